//! De boer op: visit rounds on farmyards. The AOV'er plans a round (the
//! target list from the farmers of the municipality, scan decisions "gesprek
//! (de boer op)" and addresses added by hand; teams; a route per team per
//! day), teams walk it with their phones (the visit form keeps what was typed
//! when the connection drops and sends it when it returns), and the round
//! page shows the results with a press text of aggregates only. A visit is a
//! conversation, never an inspection.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::pages::scan::{allowed, subject_areas};
use crate::pages::{FieldError, error_for, html};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::access::Action;
use bz_domain::audit::Outcome as AuditOutcome;
use bz_field::route;
use bz_field::targets::{self, Candidate};
use bz_field::visit::{self, VisitInput};
use bz_store::audit::NewEntry;
use bz_store::field::{self as store, RoundRow, RoundTargetRow, TeamRow, VisitRow};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// The fields of a urlencoded form; repeated names (checkboxes) keep every value.
pub(crate) struct FormFields(Vec<(String, String)>);

impl FormFields {
    pub(crate) fn parse(body: &[u8]) -> FormFields {
        FormFields(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .filter(|(k, _)| k != "_csrf")
                .collect(),
        )
    }
    pub(crate) fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }
}

pub(crate) fn field_error(ctx: &Ctx, e: &bz_field::FieldError) -> FieldError {
    FieldError {
        field: e.field.clone(),
        message: ctx.t(e.key),
    }
}

pub(crate) fn date(s: &str) -> Option<time::Date> {
    bz_scan::io::parse_date(s.trim())
}

/// Addresses typed one per line as "postcode huisnummer" (e.g. "7001 AB 12");
/// the unknown lines are returned as they were typed.
pub(crate) async fn addresses_from_lines(
    st: &AppState,
    gemeente: &str,
    text: &str,
) -> Result<(Vec<store::AddressPoint>, Vec<String>), AppError> {
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let compact: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let parts: Vec<&str> = compact.split(' ').collect();
        let parsed = match parts.as_slice() {
            [pc, nr] if pc.len() == 6 => Some((pc.to_string(), *nr)),
            [digits, letters, nr] => Some((format!("{digits}{letters}"), *nr)),
            _ => None,
        };
        let hit = match parsed.and_then(|(pc, nr)| nr.parse::<i64>().ok().map(|n| (pc, n))) {
            Some((pc, nr)) => st.store.address_by_postcode(gemeente, &pc, nr).await?,
            None => Vec::new(),
        };
        match hit.into_iter().next() {
            Some(p) => found.push(p),
            None => unknown.push(line.to_string()),
        }
    }
    Ok((found, unknown))
}

/// A round as listed.
pub struct RoundListing {
    pub id: String,
    pub name: String,
    pub gemeente: String,
    pub period: String,
    pub targets: usize,
    pub visited: usize,
}

/// What was entered in the new-round form, shown again with errors.
#[derive(Default)]
pub struct RoundForm {
    pub gemeente: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub interval_months: String,
    pub visits_per_day: String,
    pub start_address: String,
    pub teams: String,
    pub manual: String,
    pub farmers: bool,
    pub decisions: bool,
    pub participants: Vec<String>,
}

#[derive(Template)]
#[template(path = "deboerop.html")]
struct ListPage {
    page: PageCtx,
    rounds: Vec<RoundListing>,
    may_plan: bool,
    areas: Vec<(String, String)>,
    organisations: Vec<String>,
    form: RoundForm,
    errors: Vec<FieldError>,
}

impl ListPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
    fn participates(&self, org: &str) -> bool {
        self.form.participants.iter().any(|p| p == org)
    }
}

async fn list_page(
    st: &AppState,
    ctx: &Ctx,
    form: RoundForm,
    errors: Vec<FieldError>,
) -> Result<ListPage, AppError> {
    let areas = subject_areas(st, ctx).await?;
    let codes: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
    let mut rounds = Vec::new();
    for r in st.store.rounds_in(&codes).await? {
        let targets = st.store.round_targets(&r.id).await?.len();
        let visited = latest_per_address(&st.store.round_visits(&r.id).await?).len();
        rounds.push(RoundListing {
            gemeente: areas
                .iter()
                .find(|a| a.code == r.gemeente_code)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| r.gemeente_code.clone()),
            period: format!("{} – {}", r.starts_on, r.ends_on),
            id: r.id,
            name: r.name,
            targets,
            visited,
        });
    }
    Ok(ListPage {
        page: ctx.page("field.rounds_title"),
        rounds,
        may_plan: allowed(ctx, Action::PlanFieldWork),
        areas: areas.into_iter().map(|a| (a.code, a.name)).collect(),
        organisations: st
            .store
            .organisations()
            .await?
            .into_iter()
            .filter(|o| o.active)
            .map(|o| o.name)
            .collect(),
        form,
        errors,
    })
}

fn default_form(ctx: &Ctx, today: time::Date) -> RoundForm {
    RoundForm {
        starts_on: today.to_string(),
        ends_on: today.saturating_add(time::Duration::days(28)).to_string(),
        interval_months: "12".into(),
        visits_per_day: "8".into(),
        farmers: true,
        decisions: true,
        participants: ctx.org_name.clone().into_iter().collect(),
        ..RoundForm::default()
    }
}

/// `GET /deboerop`: the rounds of the organisation's areas and the form for a new one.
pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    let form = default_form(&ctx, st.clock.today());
    html(&list_page(&st, &ctx, form, Vec::new()).await?)
}

/// The latest visit per address (a revisit replaces the earlier one in the results).
fn latest_per_address(visits: &[VisitRow]) -> Vec<&VisitRow> {
    let mut latest: BTreeMap<&str, &VisitRow> = BTreeMap::new();
    for v in visits {
        let keep = latest.get(v.address_id.as_str()).is_none_or(|old| {
            (old.visited_on.as_str(), old.recorded_at) <= (v.visited_on.as_str(), v.recorded_at)
        });
        if keep {
            latest.insert(&v.address_id, v);
        }
    }
    latest.into_values().collect()
}

fn candidate(p: &store::AddressPoint) -> Candidate {
    Candidate {
        address_id: p.address_id.clone(),
        x: p.x,
        y: p.y,
        label: p.label.clone(),
    }
}

/// `POST /deboerop`: plan a round — build the target list, split it over the
/// teams, order each team's route and cut it into days.
pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let f = FormFields::parse(&body);
    let form = RoundForm {
        gemeente: f.one("gemeente"),
        name: f.one("name"),
        starts_on: f.one("starts_on"),
        ends_on: f.one("ends_on"),
        interval_months: f.one("interval_months"),
        visits_per_day: f.one("visits_per_day"),
        start_address: f.one("start_address"),
        teams: f.one("teams"),
        manual: f.one("manual"),
        farmers: f.one("farmers") == "ja",
        decisions: f.one("decisions") == "ja",
        participants: f.all("participants"),
    };
    let mut errors = Vec::new();
    let err = |field: &str, key: &str| FieldError {
        field: field.into(),
        message: ctx.t(key),
    };
    let areas = subject_areas(&st, &ctx).await?;
    if !areas.iter().any(|a| a.code == form.gemeente) {
        errors.push(err("gemeente", "err.unknown_value"));
    }
    if form.name.is_empty() || form.name.chars().count() > 100 {
        errors.push(err("name", "field.error.name"));
    }
    let (starts, ends) = (date(&form.starts_on), date(&form.ends_on));
    if starts.is_none() {
        errors.push(err("starts_on", "err.bad_date"));
    }
    if ends.is_none() || ends < starts {
        errors.push(err("ends_on", "field.error.ends_on"));
    }
    let interval = form
        .interval_months
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=60).contains(m));
    if interval.is_none() {
        errors.push(err("interval_months", "field.error.interval"));
    }
    let per_day = form
        .visits_per_day
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=40).contains(n));
    if per_day.is_none() {
        errors.push(err("visits_per_day", "field.error.per_day"));
    }
    // One team per line, "Naam: lid (organisatie), lid (organisatie)".
    let mut teams: Vec<TeamRow> = Vec::new();
    for (i, line) in form
        .teams
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let (name, members) = match line.split_once(':') {
            Some((n, m)) => (n.trim().to_string(), m.trim().to_string()),
            None => (format!("Team {}", i + 1), line.to_string()),
        };
        let people = members.split(',').filter(|m| !m.trim().is_empty()).count();
        if people < 2 || name.chars().count() > 60 || members.chars().count() > 300 {
            errors.push(err("teams", "field.error.teams"));
            break;
        }
        teams.push(TeamRow {
            id: store::id(),
            position: i as i64,
            name,
            members,
        });
    }
    if teams.is_empty() && !errors.iter().any(|e| e.field == "teams") {
        errors.push(err("teams", "field.error.teams"));
    }
    let orgs: Vec<String> = st
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|o| o.name)
        .collect();
    if form.participants.is_empty() || form.participants.iter().any(|p| !orgs.contains(p)) {
        errors.push(err("participants", "field.error.participants"));
    }
    let gemeente = form.gemeente.clone();
    let mut manual = Vec::new();
    if errors.iter().all(|e| e.field != "gemeente") {
        let (found, unknown) = addresses_from_lines(&st, &gemeente, &form.manual).await?;
        if !unknown.is_empty() {
            errors.push(FieldError {
                field: "manual".into(),
                message: format!(
                    "{} {}",
                    ctx.t("field.error.unknown_addresses"),
                    unknown.join("; ")
                ),
            });
        }
        manual = found;
    }
    let start = if form.start_address.is_empty() {
        None
    } else {
        let (found, _) = addresses_from_lines(&st, &gemeente, &form.start_address).await?;
        if found.is_empty() {
            errors.push(err("start_address", "field.error.start_address"));
        }
        found.into_iter().next()
    };
    let (Some(starts), Some(ends), Some(interval), Some(per_day), true) =
        (starts, ends, interval, per_day, errors.is_empty())
    else {
        let p = list_page(&st, &ctx, form, errors).await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    };

    let today = starts.to_string();
    let farmers: Vec<Candidate> = if form.farmers {
        st.store
            .farmer_addresses(&gemeente, &today)
            .await?
            .iter()
            .map(candidate)
            .collect()
    } else {
        Vec::new()
    };
    let decided: Vec<Candidate> = if form.decisions {
        st.store
            .decided_addresses(
                &gemeente,
                bz_domain::scan::Decision::GesprekDeBoerOp.as_str(),
            )
            .await?
            .iter()
            .map(|(p, _, _)| candidate(p))
            .collect()
    } else {
        Vec::new()
    };
    let manual: Vec<Candidate> = manual.iter().map(candidate).collect();
    let last: HashMap<String, time::Date> = st
        .store
        .last_visits(&gemeente)
        .await?
        .into_iter()
        .filter_map(|(k, v)| date(&v).map(|d| (k, d)))
        .collect();
    let list = targets::build(&farmers, &decided, &manual, &last, interval, starts);
    if list.is_empty() {
        let p = list_page(
            &st,
            &ctx,
            form,
            vec![err("farmers", "field.error.no_targets")],
        )
        .await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    }
    // Those visited within the interval stay on the list, marked, without a route.
    let to_visit: Vec<&targets::Target> = list.iter().filter(|t| !t.recently_visited).collect();
    let points: Vec<route::Point> = to_visit.iter().map(|t| (t.x, t.y)).collect();
    let (start_label, start_pt) = match &start {
        Some(p) => (p.label.clone(), (p.x, p.y)),
        None => {
            let n = points.len().max(1) as f64;
            let c = points
                .iter()
                .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
            (ctx.t("field.start_centre"), c)
        }
    };
    let mut placed: HashMap<String, (String, i64, i64)> = HashMap::new();
    for (team, members) in teams
        .iter()
        .zip(route::split_teams(start_pt, &points, teams.len()))
    {
        let pts: Vec<route::Point> = members.iter().map(|&i| points[i]).collect();
        let order = route::order(start_pt, &pts);
        for (day, stops) in route::days(&order, per_day).into_iter().enumerate() {
            for (pos, k) in stops.into_iter().enumerate() {
                let t = to_visit[members[k]];
                placed.insert(
                    t.address_id.clone(),
                    (team.id.clone(), day as i64 + 1, pos as i64 + 1),
                );
            }
        }
    }
    let rows: Vec<RoundTargetRow> = list
        .iter()
        .map(|t| {
            let p = placed.get(&t.address_id);
            RoundTargetRow {
                address_id: t.address_id.clone(),
                sources: t.sources.iter().map(|s| s.as_str().to_string()).collect(),
                team_id: p.map(|p| p.0.clone()),
                route_day: p.map(|p| p.1),
                route_position: p.map(|p| p.2),
            }
        })
        .collect();
    let round = RoundRow {
        id: store::id(),
        org_id: s.org_id.clone(),
        gemeente_code: gemeente,
        name: form.name.clone(),
        starts_on: starts.to_string(),
        ends_on: ends.to_string(),
        interval_months: i64::from(interval),
        visits_per_day: per_day as i64,
        start_label,
        start_x: start_pt.0,
        start_y: start_pt.1,
        participants: form.participants.clone(),
        created_by: s.user_id.clone(),
        created_at: st.clock.now(),
    };
    let mut tx = st.store.begin_write().await?;
    store::insert_round(&mut tx, &round, &teams, &rows).await?;
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(s.user_id.clone()),
            actor_name: s.username.clone(),
            org_id: Some(s.org_id.clone()),
            action: "field.round.create",
            object_type: "visit_round",
            object_id: round.id.clone(),
            outcome: AuditOutcome::Success,
            detail: format!(
                "{}: {} adressen ({} recent bezocht), {} teams",
                round.name,
                rows.len(),
                list.len() - to_visit.len(),
                teams.len()
            ),
        },
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/deboerop/{}", round.id)).into_response())
}

/// Records that a person looked at addresses of the field work.
pub(crate) async fn audit_view(
    st: &AppState,
    ctx: &Ctx,
    action: &'static str,
    id: &str,
) -> Result<(), AppError> {
    let s = ctx.subject.as_ref().ok_or(AppError::Unauthenticated)?;
    st.store
        .audit(
            NewEntry {
                actor_id: Some(s.user_id.clone()),
                actor_name: s.username.clone(),
                org_id: Some(s.org_id.clone()),
                action,
                object_type: "field",
                object_id: id.to_string(),
                outcome: AuditOutcome::Success,
                detail: String::new(),
            },
            st.clock.now_ms(),
        )
        .await?;
    Ok(())
}

/// Loads a round of one of the subject's areas (404 otherwise).
async fn visible_round(st: &AppState, ctx: &Ctx, id: &str) -> Result<RoundRow, AppError> {
    let round = st.store.round(id).await?;
    let areas = subject_areas(st, ctx).await?;
    if !areas.iter().any(|a| a.code == round.gemeente_code) {
        return Err(AppError::NotFound);
    }
    Ok(round)
}

/// A stop of a team's route, as shown.
pub struct Stop {
    pub address_id: String,
    pub label: String,
    pub day: i64,
    pub position: i64,
    pub sources: String,
    pub last_visit: String,
    pub visited: String,
    pub sx: f64,
    pub sy: f64,
}

/// A team with its route.
pub struct TeamView {
    pub id: String,
    pub name: String,
    pub members: String,
    pub stops: Vec<Stop>,
    pub path: String,
}

/// A target without a route (visited within the interval).
pub struct Skipped {
    pub label: String,
    pub last_visit: String,
}

#[derive(Template)]
#[template(path = "deboerop_ronde.html")]
struct RoundPage {
    page: PageCtx,
    round: RoundRow,
    teams: Vec<TeamView>,
    skipped: Vec<Skipped>,
    may_record: bool,
    results: visit::RoundResults,
    topics: Vec<(String, u64)>,
    materials: Vec<(String, u64)>,
    follow_ups: Vec<(String, u64)>,
    press: String,
    start_sx: f64,
    start_sy: f64,
    saved: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct RoundQuery {
    #[serde(default)]
    opgeslagen: Option<String>,
}

/// Everything of a round the pages need.
struct RoundData {
    round: RoundRow,
    teams: Vec<TeamRow>,
    targets: Vec<store::TargetView>,
    visits: Vec<VisitRow>,
}

async fn round_data(st: &AppState, ctx: &Ctx, id: &str) -> Result<RoundData, AppError> {
    let round = visible_round(st, ctx, id).await?;
    Ok(RoundData {
        teams: st.store.round_teams(&round.id).await?,
        targets: st.store.round_targets(&round.id).await?,
        visits: st.store.round_visits(&round.id).await?,
        round,
    })
}

fn sources_label(ctx: &Ctx, sources: &[String]) -> String {
    sources
        .iter()
        .map(|s| ctx.t(&format!("field.source.{s}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The results of a round from its visits (the latest per address).
fn round_results(d: &RoundData) -> visit::RoundResults {
    let visits: Vec<visit::Visit> = latest_per_address(&d.visits)
        .into_iter()
        .filter_map(|v| {
            Some(visit::Visit {
                outcome: visit::Outcome::parse(&v.outcome)?,
                topics: v.topics.clone(),
                signs: v.signs.clone(),
                observation: v.observation.clone(),
                materials: v.materials.clone(),
                follow_ups: v.follow_ups.clone(),
                note: v.note.clone(),
            })
        })
        .collect();
    visit::results(d.targets.len() as u64, &visits)
}

fn counted(ctx: &Ctx, prefix: &str, m: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
    m.iter()
        .map(|(k, n)| (ctx.t(&format!("{prefix}.{k}")), *n))
        .collect()
}

/// `GET /deboerop/{round}`: the teams' routes (a sketch and tables), the
/// targets visited recently, and the results so far with a press text.
pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Query(q): Query<RoundQuery>,
) -> Result<Response, AppError> {
    let d = round_data(&st, &ctx, &id).await?;
    audit_view(&st, &ctx, "field.round.view", &d.round.id).await?;
    let last = st.store.last_visits(&d.round.gemeente_code).await?;
    let visited: HashMap<&str, &VisitRow> = latest_per_address(&d.visits)
        .into_iter()
        .map(|v| (v.address_id.as_str(), v))
        .collect();
    // A sketch in a 1000 × 700 box around the start and every target.
    let xs = d.targets.iter().map(|t| t.x).chain([d.round.start_x]);
    let ys = d.targets.iter().map(|t| t.y).chain([d.round.start_y]);
    let (minx, maxx) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |a, v| {
        (a.0.min(v), a.1.max(v))
    });
    let (miny, maxy) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |a, v| {
        (a.0.min(v), a.1.max(v))
    });
    let scale = (960.0 / (maxx - minx).max(1.0)).min(660.0 / (maxy - miny).max(1.0));
    let sx = |x: f64| 20.0 + (x - minx) * scale;
    let sy = |y: f64| 20.0 + (maxy - y) * scale;
    let mut teams = Vec::new();
    for t in &d.teams {
        let mut stops: Vec<Stop> = d
            .targets
            .iter()
            .filter(|x| x.target.team_id.as_deref() == Some(t.id.as_str()))
            .map(|x| Stop {
                address_id: x.target.address_id.clone(),
                label: x.label.clone(),
                day: x.target.route_day.unwrap_or(0),
                position: x.target.route_position.unwrap_or(0),
                sources: sources_label(&ctx, &x.target.sources),
                last_visit: last
                    .get(&x.target.address_id)
                    .filter(|_| !visited.contains_key(x.target.address_id.as_str()))
                    .cloned()
                    .unwrap_or_else(|| "—".into()),
                visited: visited
                    .get(x.target.address_id.as_str())
                    .map(|v| {
                        format!(
                            "{} ({})",
                            ctx.t(&format!("visit.outcome.{}", v.outcome)),
                            v.visited_on
                        )
                    })
                    .unwrap_or_default(),
                sx: sx(x.x),
                sy: sy(x.y),
            })
            .collect();
        stops.sort_by_key(|s| (s.day, s.position));
        let mut path = format!("M{:.1},{:.1}", sx(d.round.start_x), sy(d.round.start_y));
        for s in &stops {
            path.push_str(&format!(" L{:.1},{:.1}", s.sx, s.sy));
        }
        path.push_str(&format!(
            " L{:.1},{:.1}",
            sx(d.round.start_x),
            sy(d.round.start_y)
        ));
        teams.push(TeamView {
            id: t.id.clone(),
            name: t.name.clone(),
            members: t.members.clone(),
            stops,
            path,
        });
    }
    let skipped = d
        .targets
        .iter()
        .filter(|x| x.target.team_id.is_none())
        .map(|x| Skipped {
            label: x.label.clone(),
            last_visit: last.get(&x.target.address_id).cloned().unwrap_or_default(),
        })
        .collect();
    let results = round_results(&d);
    let press = visit::press_summary(&d.round.name, &results, ctx.lang == Lang::Nl);
    let saved = q.opgeslagen.and_then(|a| {
        d.targets
            .iter()
            .find(|t| t.target.address_id == a)
            .map(|t| t.label.clone())
    });
    html(&RoundPage {
        page: ctx.page("field.round_title"),
        start_sx: sx(d.round.start_x),
        start_sy: sy(d.round.start_y),
        topics: counted(&ctx, "visit.topic", &results.topics),
        materials: counted(&ctx, "visit.material", &results.materials),
        follow_ups: counted(&ctx, "visit.follow_up", &results.follow_ups),
        round: d.round,
        teams,
        skipped,
        may_record: allowed(&ctx, Action::RecordFieldWork),
        results,
        press,
        saved,
    })
}

#[derive(Template)]
#[template(path = "deboerop_route.html")]
struct RouteSheet {
    page: PageCtx,
    round: RoundRow,
    team: TeamView,
    days: Vec<(i64, Vec<Stop>)>,
}

/// `GET /deboerop/{round}/route/{team}`: the printable A4 route sheet of a
/// team: addresses in order per day and a short briefing; no scan scores.
pub async fn route_sheet(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, team_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let d = round_data(&st, &ctx, &id).await?;
    let team = d
        .teams
        .iter()
        .find(|t| t.id == team_id)
        .ok_or(AppError::NotFound)?;
    let mut stops: Vec<Stop> = d
        .targets
        .iter()
        .filter(|x| x.target.team_id.as_deref() == Some(team.id.as_str()))
        .map(|x| Stop {
            address_id: x.target.address_id.clone(),
            label: x.label.clone(),
            day: x.target.route_day.unwrap_or(0),
            position: x.target.route_position.unwrap_or(0),
            sources: String::new(),
            last_visit: String::new(),
            visited: String::new(),
            sx: 0.0,
            sy: 0.0,
        })
        .collect();
    stops.sort_by_key(|s| (s.day, s.position));
    let mut days: Vec<(i64, Vec<Stop>)> = Vec::new();
    for s in stops {
        match days.last_mut() {
            Some((d, list)) if *d == s.day => list.push(s),
            _ => days.push((s.day, vec![s])),
        }
    }
    html(&RouteSheet {
        page: ctx.page("field.route_title"),
        team: TeamView {
            id: team.id.clone(),
            name: team.name.clone(),
            members: team.members.clone(),
            stops: Vec::new(),
            path: String::new(),
        },
        round: d.round,
        days,
    })
}

#[derive(Template)]
#[template(path = "deboerop_bezoek.html")]
struct VisitPage {
    page: PageCtx,
    round: RoundRow,
    address_id: String,
    label: String,
    team: String,
    last_visit: String,
    client_key: String,
    input: VisitInput,
    signal_category: String,
    categories: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

impl VisitPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
    fn topics(&self) -> Vec<(&'static str, String, bool)> {
        self.options("visit.topic", visit::TOPICS, &self.input.topics)
    }
    fn signs(&self) -> Vec<(&'static str, String, bool)> {
        self.options("visit.sign", visit::SIGNS, &self.input.signs)
    }
    fn materials(&self) -> Vec<(&'static str, String, bool)> {
        self.options("visit.material", visit::MATERIALS, &self.input.materials)
    }
    fn follow_ups(&self) -> Vec<(&'static str, String, bool)> {
        self.options("visit.follow_up", visit::FOLLOW_UPS, &self.input.follow_ups)
    }
    fn outcomes(&self) -> Vec<(&'static str, String, bool)> {
        visit::Outcome::ALL
            .iter()
            .map(|o| {
                (
                    o.as_str(),
                    self.page.t(&format!("visit.outcome.{}", o.as_str())),
                    self.input.outcome == o.as_str(),
                )
            })
            .collect()
    }
    fn options(
        &self,
        prefix: &str,
        keys: &[&'static str],
        chosen: &[String],
    ) -> Vec<(&'static str, String, bool)> {
        keys.iter()
            .map(|k| {
                (
                    *k,
                    self.page.t(&format!("{prefix}.{k}")),
                    chosen.iter().any(|c| c == k),
                )
            })
            .collect()
    }
}

#[allow(clippy::too_many_arguments)]
async fn visit_page(
    st: &AppState,
    ctx: &Ctx,
    round: RoundRow,
    address_id: &str,
    input: VisitInput,
    client_key: String,
    signal_category: String,
    errors: Vec<FieldError>,
) -> Result<VisitPage, AppError> {
    let targets = st.store.round_targets(&round.id).await?;
    let target = targets
        .iter()
        .find(|t| t.target.address_id == address_id)
        .ok_or(AppError::NotFound)?;
    let teams = st.store.round_teams(&round.id).await?;
    let team = target
        .target
        .team_id
        .as_ref()
        .and_then(|id| teams.iter().find(|t| &t.id == id))
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let last = st.store.last_visits(&round.gemeente_code).await?;
    Ok(VisitPage {
        page: ctx.page("field.visit_title"),
        address_id: address_id.to_string(),
        label: target.label.clone(),
        team,
        last_visit: last.get(address_id).cloned().unwrap_or_else(|| "—".into()),
        round,
        client_key,
        input,
        signal_category,
        categories: bz_signals::category::Category::ALL
            .iter()
            .map(|c| {
                (
                    c.as_str().to_string(),
                    if ctx.lang == Lang::Nl {
                        c.name_nl()
                    } else {
                        c.name_en()
                    }
                    .to_string(),
                )
            })
            .collect(),
        errors,
    })
}

/// `GET /deboerop/{round}/bezoek/{address}`: the visit form (phone-first).
pub async fn visit_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, address)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let round = visible_round(&st, &ctx, &id).await?;
    let key = bz_store::new_id();
    html(
        &visit_page(
            &st,
            &ctx,
            round,
            &address,
            VisitInput::default(),
            key,
            String::new(),
            Vec::new(),
        )
        .await?,
    )
}

/// `POST /deboerop/{round}/bezoek/{address}`: store the visit (once per
/// `client_key`, so a phone may send again); with follow-up "signaal" the
/// observation becomes a signal (source "de boer op") in the same transaction.
pub async fn visit_submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, address)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let round = visible_round(&st, &ctx, &id).await?;
    let f = FormFields::parse(&body);
    let input = VisitInput {
        outcome: f.one("outcome"),
        topics: f.all("topics"),
        signs: f.all("signs"),
        observation: f.one("observation"),
        materials: f.all("materials"),
        follow_ups: f.all("follow_ups"),
        note: f.one("note"),
    };
    let client_key = f.one("client_key");
    let category = f.one("signal_category");
    let key_ok = !client_key.is_empty()
        && client_key.len() <= 64
        && client_key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    let checked = visit::validate(&input);
    let mut errors: Vec<FieldError> = match &checked {
        Ok(_) => Vec::new(),
        Err(es) => es.iter().map(|e| field_error(&ctx, e)).collect(),
    };
    let wants_signal = input.follow_ups.iter().any(|x| x == "signaal");
    let category_ok = bz_signals::category::Category::ALL
        .iter()
        .any(|c| c.as_str() == category);
    if wants_signal && !category_ok {
        errors.push(FieldError {
            field: "signal_category".into(),
            message: ctx.t("visit.error.signal_category"),
        });
    }
    if !key_ok {
        return Err(AppError::BadRequest(ctx.t("visit.error.client_key")));
    }
    let (Ok(v), true) = (checked, errors.is_empty()) else {
        let p = visit_page(
            &st, &ctx, round, &address, input, client_key, category, errors,
        )
        .await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    };
    let targets = st.store.round_targets(&round.id).await?;
    let target = targets
        .iter()
        .find(|t| t.target.address_id == address)
        .ok_or(AppError::NotFound)?;
    let now = st.clock.now();
    let row = VisitRow {
        id: store::id(),
        round_id: round.id.clone(),
        address_id: address.clone(),
        team_id: target.target.team_id.clone(),
        visited_on: st.clock.today().to_string(),
        outcome: v.outcome.as_str().to_string(),
        topics: v.topics.clone(),
        signs: v.signs.clone(),
        observation: v.observation.clone(),
        materials: v.materials.clone(),
        follow_ups: v.follow_ups.clone(),
        note: v.note.clone(),
        signal_id: None,
        recorded_by: s.user_id.clone(),
        recorded_org_id: s.org_id.clone(),
        recorded_at: now,
        client_key,
    };
    let mut tx = st.store.begin_write().await?;
    let new = store::insert_visit(&mut tx, &row).await?;
    if new {
        if wants_signal {
            let signal_id = bz_store::new_id();
            let actor = bz_store::signal_workflow::Actor::User {
                id: s.user_id.clone(),
                name: ctx
                    .display_name
                    .clone()
                    .unwrap_or_else(|| s.username.clone()),
            };
            bz_store::signal_workflow::insert_signal(
                &mut tx,
                &bz_store::signal_workflow::NewSignal {
                    id: signal_id.clone(),
                    channel: "intake".into(),
                    source: bz_signals::category::IntakeSource::DeBoerOp.as_str().into(),
                    source_org_id: Some(s.org_id.clone()),
                    category: category.clone(),
                    state: "nieuw".into(),
                    observed_on: row.visited_on.clone(),
                    received_at: now,
                    x: Some(target.x),
                    y: Some(target.y),
                    bag_id: Some(address.clone()),
                    gemeente_code: Some(round.gemeente_code.clone()),
                    description: v.observation.clone(),
                    created_by: Some(s.user_id.clone()),
                },
                &actor,
            )
            .await?;
            store::set_visit_signal(&mut tx, &row.id, &signal_id).await?;
        }
        bz_store::audit::append(
            &mut tx,
            NewEntry {
                actor_id: Some(s.user_id.clone()),
                actor_name: s.username.clone(),
                org_id: Some(s.org_id.clone()),
                action: "field.visit.record",
                object_type: "address",
                object_id: address.clone(),
                outcome: AuditOutcome::Success,
                detail: format!("ronde {}: {}", round.name, row.outcome),
            },
            st.clock.now_ms(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/deboerop/{}?opgeslagen={}", round.id, address)).into_response())
}

/// Results of the rounds in a municipality, for its page: (rounds, targets, visited, gesproken).
pub async fn municipality_summary(
    st: &AppState,
    code: &str,
) -> Result<(usize, u64, u64, u64), AppError> {
    let rounds = st.store.rounds_in(&[code.to_string()]).await?;
    let (mut targets, mut visited, mut talked) = (0, 0, 0);
    for r in &rounds {
        let d = RoundData {
            teams: Vec::new(),
            targets: st.store.round_targets(&r.id).await?,
            visits: st.store.round_visits(&r.id).await?,
            round: r.clone(),
        };
        let res = round_results(&d);
        targets += res.targets;
        visited += res.visited;
        talked += res.gesproken;
    }
    Ok((rounds.len(), targets, visited, talked))
}

/// The label of a date for the lists.
pub fn when(ts: i64) -> String {
    i18n::datetime(ts)
}

fn lonlat(x: f64, y: f64) -> Result<serde_json::Value, AppError> {
    let p = bz_geo::rd_to_wgs84(bz_geo::RdPoint { x, y })
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(serde_json::json!([
        (p.lon * 1e6).round() / 1e6,
        (p.lat * 1e6).round() / 1e6
    ]))
}

/// `GET /deboerop/{round}/routes.geojson`: the teams' routes (lines from the
/// start along the stops and back) and stops, in WGS84, for the map.
pub async fn routes_geojson(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let d = round_data(&st, &ctx, &id).await?;
    let start = lonlat(d.round.start_x, d.round.start_y)?;
    let mut features = vec![serde_json::json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": start},
        "properties": {"kind": "start", "label": d.round.start_label},
    })];
    for (k, t) in d.teams.iter().enumerate() {
        let mut stops: Vec<&store::TargetView> = d
            .targets
            .iter()
            .filter(|x| x.target.team_id.as_deref() == Some(t.id.as_str()))
            .collect();
        stops.sort_by_key(|s| (s.target.route_day, s.target.route_position));
        let mut line = vec![start.clone()];
        for s in &stops {
            let p = lonlat(s.x, s.y)?;
            line.push(p.clone());
            features.push(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": p},
                "properties": {"kind": "stop", "team": k, "label": format!("{} {}.{} — {}", t.name, s.target.route_day.unwrap_or(0), s.target.route_position.unwrap_or(0), s.label)},
            }));
        }
        line.push(start.clone());
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": line},
            "properties": {"kind": "route", "team": k, "label": t.name},
        }));
    }
    audit_view(&st, &ctx, "field.round.view", &d.round.id).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
        .into_response())
}
