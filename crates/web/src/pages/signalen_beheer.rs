//! `/beheer/workflow`: the beheerder edits the workflow of signals — states,
//! allowed transitions (and which need a text), deadlines per category in
//! working days and retention per category and state. Everything is checked
//! by `bz_signals` before it is saved (no unreachable states, no dead ends,
//! exactly one initial state, a retention rule for every category × state,
//! nothing kept forever) and a state that signals are in cannot be removed.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::pages::html;
use crate::pages::signalen::category_name;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::audit::Outcome;
use bz_signals::Category;
use bz_signals::deadline::DeadlinePolicy;
use bz_signals::retention::{Period, RetentionPolicy, RetentionRule};
use bz_signals::workflow::{StateCode, StateDef, StateKind, TransitionDef, Workflow};
use bz_store::audit::NewEntry;
use bz_store::signal_workflow as sw;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Empty rows offered for new transitions.
const NEW_TRANSITIONS: usize = 3;

pub struct StateRow {
    pub index: usize,
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    pub kind: String,
    pub initial: bool,
    pub existing: bool,
    pub remove: bool,
    pub in_use: i64,
}

pub struct TransitionRow {
    pub index: usize,
    pub from: String,
    pub to: String,
    pub requires_text: bool,
    pub remove: bool,
}

pub struct DeadlineRow {
    pub code: String,
    pub name: String,
    pub days: String,
}

pub struct RetentionCell {
    pub name: String,
    pub state_name: String,
    pub months: String,
}

pub struct RetentionRow {
    pub name: String,
    pub cells: Vec<RetentionCell>,
}

#[derive(Template)]
#[template(path = "signalen_workflow.html")]
struct WorkflowPage {
    page: PageCtx,
    states: Vec<StateRow>,
    codes: Vec<(String, String)>,
    transitions: Vec<TransitionRow>,
    deadlines: Vec<DeadlineRow>,
    retention_states: Vec<String>,
    retention: Vec<RetentionRow>,
    errors: Vec<String>,
    saved: bool,
    runs: Vec<RunLine>,
    purged: Vec<PurgedLine>,
}

/// A run of the retention purge.
pub struct RunLine {
    pub at: String,
    pub by: String,
    pub purged: i64,
    pub contacts: i64,
}

/// Signals removed by the purge, per month of receipt and category.
pub struct PurgedLine {
    pub month: String,
    pub category: String,
    pub purged: i64,
}

impl WorkflowPage {
    fn kind_label(&self, k: &str) -> String {
        self.page.t(&format!("sig.wf.kind.{k}"))
    }
}

fn kind_code(k: StateKind) -> &'static str {
    match k {
        StateKind::Open => "open",
        StateKind::Waiting => "waiting",
        StateKind::Closed => "closed",
    }
}

fn months_of(p: Period) -> String {
    match p {
        Period::Months(m) => m.to_string(),
        // Shown in whole months, rounded up (the form edits months).
        Period::Days(d) => d.div_ceil(30).to_string(),
    }
}

fn state_label(lang: Lang, s: &StateDef) -> String {
    match lang {
        Lang::Nl => s.name_nl.clone(),
        Lang::En => s.name_en.clone(),
    }
}

async fn page_from_stored(st: &AppState, ctx: &Ctx, saved: bool) -> Result<WorkflowPage, AppError> {
    let wf = st.store.workflow().await?;
    let deadlines = st.store.deadline_policy().await?;
    let retention = st.store.retention_policy().await?;
    let in_use = st.store.states_in_use().await?;
    let lang = ctx.lang;
    let mut states: Vec<StateRow> = wf
        .states
        .iter()
        .enumerate()
        .map(|(i, s)| StateRow {
            index: i,
            code: s.code.as_str().into(),
            name_nl: s.name_nl.clone(),
            name_en: s.name_en.clone(),
            kind: kind_code(s.kind).into(),
            initial: s.initial,
            existing: true,
            remove: false,
            in_use: in_use.get(s.code.as_str()).copied().unwrap_or(0),
        })
        .collect();
    states.push(StateRow {
        index: states.len(),
        code: String::new(),
        name_nl: String::new(),
        name_en: String::new(),
        kind: "open".into(),
        initial: false,
        existing: false,
        remove: false,
        in_use: 0,
    });
    let mut transitions: Vec<TransitionRow> = wf
        .transitions
        .iter()
        .enumerate()
        .map(|(i, t)| TransitionRow {
            index: i,
            from: t.from.as_str().into(),
            to: t.to.as_str().into(),
            requires_text: t.requires_text,
            remove: false,
        })
        .collect();
    for _ in 0..NEW_TRANSITIONS {
        transitions.push(TransitionRow {
            index: transitions.len(),
            from: String::new(),
            to: String::new(),
            requires_text: false,
            remove: false,
        });
    }
    let dl = Category::ALL
        .iter()
        .map(|c| DeadlineRow {
            code: c.as_str().into(),
            name: category_name(lang, c.as_str()),
            days: deadlines.for_category(*c).to_string(),
        })
        .collect();
    let ret = Category::ALL
        .iter()
        .map(|c| RetentionRow {
            name: category_name(lang, c.as_str()),
            cells: wf
                .states
                .iter()
                .map(|s| RetentionCell {
                    name: format!("ret.{}.{}", c.as_str(), s.code.as_str()),
                    state_name: state_label(lang, s),
                    months: retention
                        .rule(*c, s.code.as_str())
                        .map(|r| months_of(r.keep))
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    let runs = st
        .store
        .purge_runs(5)
        .await?
        .into_iter()
        .map(|(at, by, purged, contacts)| RunLine {
            at: crate::pages::signalen::local_time(at),
            by,
            purged,
            contacts,
        })
        .collect();
    let mut per: BTreeMap<(String, String), i64> = BTreeMap::new();
    for c in st.store.purge_counts().await? {
        *per.entry((c.month, c.category)).or_default() += c.purged;
    }
    let purged = per
        .into_iter()
        .rev()
        .take(60)
        .map(|((month, category), purged)| PurgedLine {
            month,
            category: category_name(lang, &category),
            purged,
        })
        .collect();
    Ok(WorkflowPage {
        runs,
        purged,
        page: ctx.page("sig.wf.title"),
        codes: wf
            .states
            .iter()
            .map(|s| (s.code.as_str().to_string(), state_label(lang, s)))
            .collect(),
        retention_states: wf.states.iter().map(|s| state_label(lang, s)).collect(),
        states,
        transitions,
        deadlines: dl,
        retention: ret,
        errors: Vec::new(),
        saved,
    })
}

#[derive(Deserialize, Default)]
pub struct WorkflowQuery {
    #[serde(default)]
    opgeslagen: Option<String>,
}

/// `GET /beheer/workflow`.
pub async fn form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<WorkflowQuery>,
) -> Result<Response, AppError> {
    html(&page_from_stored(&st, &ctx, q.opgeslagen.is_some()).await?)
}

/// The message of a problem found by `bz_signals` (serde-tagged enums):
/// `sig.wf.{group}.{problem}` with the problem's fields as arguments.
fn problem_message<T: serde::Serialize>(lang: Lang, group: &str, tag: &str, p: &T) -> String {
    let v = serde_json::to_value(p).unwrap_or_default();
    let name = v.get(tag).and_then(|n| n.as_str()).unwrap_or("unknown");
    let mut args: Vec<(String, String)> = Vec::new();
    if let Some(obj) = v.as_object() {
        for (k, val) in obj {
            let text = match val {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            args.push((k.clone(), text));
        }
    }
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    i18n::tr_args(lang, &format!("sig.wf.{group}.{name}"), &args)
}

/// What the form says, parsed; `errors` names what could not be read.
struct Parsed {
    wf: Workflow,
    deadlines: DeadlinePolicy,
    retention: RetentionPolicy,
    states: Vec<StateRow>,
    transitions: Vec<TransitionRow>,
    deadline_rows: BTreeMap<String, String>,
    retention_cells: BTreeMap<String, String>,
    errors: Vec<String>,
}

fn parse(lang: Lang, f: &BTreeMap<String, String>) -> Parsed {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let t = |k: &str| i18n::tr(lang, k);
    let mut errors = Vec::new();
    let initial = get("initial");
    let mut states = Vec::new();
    let mut rows = Vec::new();
    for i in 0..100 {
        let p = |n: &str| format!("state.{i}.{n}");
        if !f.contains_key(&p("code")) {
            break;
        }
        let code = get(&p("code"));
        let row = StateRow {
            index: i,
            code: code.clone(),
            name_nl: get(&p("name_nl")),
            name_en: get(&p("name_en")),
            kind: get(&p("kind")),
            initial: !code.is_empty() && initial == code,
            existing: get(&p("existing")) == "1",
            remove: get(&p("remove")) == "1",
            in_use: 0,
        };
        if code.is_empty() {
            if !row.name_nl.is_empty() || !row.name_en.is_empty() {
                errors.push(t("sig.wf.err.code_required"));
            }
        } else if !row.remove {
            let kind = match row.kind.as_str() {
                "waiting" => StateKind::Waiting,
                "closed" => StateKind::Closed,
                _ => StateKind::Open,
            };
            match StateCode::parse(&code) {
                Ok(c) => states.push(StateDef {
                    code: c,
                    name_nl: row.name_nl.clone(),
                    name_en: row.name_en.clone(),
                    kind,
                    initial: row.initial,
                }),
                Err(_) => errors.push(i18n::tr_args(
                    lang,
                    "sig.wf.err.bad_code",
                    &[("code", &code)],
                )),
            }
        }
        rows.push(row);
    }
    let mut transitions = Vec::new();
    let mut trows = Vec::new();
    for i in 0..1000 {
        let p = |n: &str| format!("tr.{i}.{n}");
        if !f.contains_key(&p("from")) {
            break;
        }
        let row = TransitionRow {
            index: i,
            from: get(&p("from")),
            to: get(&p("to")),
            requires_text: get(&p("text")) == "1",
            remove: get(&p("remove")) == "1",
        };
        if !(row.remove || row.from.is_empty() && row.to.is_empty()) {
            match (StateCode::parse(&row.from), StateCode::parse(&row.to)) {
                (Ok(from), Ok(to)) => transitions.push(TransitionDef {
                    from,
                    to,
                    requires_text: row.requires_text,
                }),
                _ => errors.push(t("sig.wf.err.transition_incomplete")),
            }
        }
        trows.push(row);
    }
    let wf = Workflow {
        states,
        transitions,
    };
    let mut working_days = BTreeMap::new();
    let mut deadline_rows = BTreeMap::new();
    for c in Category::ALL {
        let v = get(&format!("deadline.{}", c.as_str()));
        deadline_rows.insert(c.as_str().to_string(), v.clone());
        match v.parse::<u32>() {
            Ok(n) => {
                working_days.insert(*c, n);
            }
            Err(_) => errors.push(i18n::tr_args(
                lang,
                "sig.wf.err.deadline_number",
                &[("category", &category_name(lang, c.as_str()))],
            )),
        }
    }
    let suggested = RetentionPolicy::suggested(&wf);
    let mut rules = Vec::new();
    let mut retention_cells = BTreeMap::new();
    for c in Category::ALL {
        for s in &wf.states {
            let name = format!("ret.{}.{}", c.as_str(), s.code.as_str());
            let v = get(&name);
            retention_cells.insert(name, v.clone());
            if v.is_empty() {
                // A new state: the suggested period until the beheerder sets one.
                if let Some(r) = suggested.rule(*c, s.code.as_str()) {
                    rules.push(r.clone());
                }
                continue;
            }
            match v.parse::<u32>() {
                Ok(m) => rules.push(RetentionRule {
                    category: *c,
                    state: s.code.clone(),
                    keep: Period::Months(m),
                }),
                Err(_) => errors.push(i18n::tr_args(
                    lang,
                    "sig.wf.err.retention_number",
                    &[
                        ("category", &category_name(lang, c.as_str())),
                        ("state", s.code.as_str()),
                    ],
                )),
            }
        }
    }
    Parsed {
        wf,
        deadlines: DeadlinePolicy { working_days },
        retention: RetentionPolicy { rules },
        states: rows,
        transitions: trows,
        deadline_rows,
        retention_cells,
        errors,
    }
}

/// `POST /beheer/workflow`: check everything, then save it in one
/// transaction with its audit entry.
pub async fn save(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let f: BTreeMap<String, String> = form_urlencoded::parse(&body)
        .filter(|(k, _)| k != "_csrf")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let lang = ctx.lang;
    let p = parse(lang, &f);
    let mut errors = p.errors.clone();
    if let Err(problems) = p.wf.validate() {
        errors.extend(
            problems
                .iter()
                .map(|x| problem_message(lang, "problem", "problem", x)),
        );
    }
    if let Err(problems) = p.deadlines.validate() {
        errors.extend(
            problems
                .iter()
                .map(|x| problem_message(lang, "deadline", "problem", x)),
        );
    }
    if let Err(problems) = p.retention.validate(&p.wf) {
        errors.extend(
            problems
                .iter()
                .map(|x| problem_message(lang, "retention", "problem", x)),
        );
    }
    let in_use = st.store.states_in_use().await?;
    let current = st.store.workflow().await?;
    for (code, n) in &in_use {
        if *n > 0 && p.wf.state(code).is_none() && current.state(code).is_some() {
            errors.push(i18n::tr_args(
                lang,
                "sig.wf.err.in_use",
                &[("state", code), ("n", &n.to_string())],
            ));
        }
    }
    if !errors.is_empty() {
        let mut page = page_from_stored(&st, &ctx, false).await?;
        // Show what was typed, with the errors above.
        let in_use_of = |c: &str| in_use.get(c).copied().unwrap_or(0);
        page.states = p
            .states
            .into_iter()
            .map(|mut r| {
                r.in_use = in_use_of(&r.code);
                r
            })
            .collect();
        page.transitions = p.transitions;
        for d in &mut page.deadlines {
            if let Some(v) = p.deadline_rows.get(&d.code) {
                d.days = v.clone();
            }
        }
        for row in &mut page.retention {
            for c in &mut row.cells {
                if let Some(v) = p.retention_cells.get(&c.name) {
                    c.months = v.clone();
                }
            }
        }
        page.errors = errors;
        return html(&page).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    }
    let mut tx = st.store.begin_write().await?;
    sw::save_workflow(&mut tx, &p.wf).await?;
    sw::save_deadlines(&mut tx, &p.deadlines).await?;
    sw::save_retention(&mut tx, &p.retention).await?;
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(s.user_id.clone()),
            actor_name: s.username.clone(),
            org_id: Some(s.org_id.clone()),
            action: "signal.workflow.update",
            object_type: "signal_workflow",
            object_id: String::new(),
            outcome: Outcome::Success,
            detail: format!(
                "{} statussen, {} overgangen",
                p.wf.states.len(),
                p.wf.transitions.len()
            ),
        },
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/beheer/workflow?opgeslagen=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form_of(wf: &Workflow) -> BTreeMap<String, String> {
        let mut f = BTreeMap::new();
        for (i, s) in wf.states.iter().enumerate() {
            f.insert(format!("state.{i}.code"), s.code.as_str().to_string());
            f.insert(format!("state.{i}.name_nl"), s.name_nl.clone());
            f.insert(format!("state.{i}.name_en"), s.name_en.clone());
            f.insert(format!("state.{i}.kind"), kind_code(s.kind).to_string());
            f.insert(format!("state.{i}.existing"), "1".into());
            if s.initial {
                f.insert("initial".into(), s.code.as_str().to_string());
            }
        }
        for (i, t) in wf.transitions.iter().enumerate() {
            f.insert(format!("tr.{i}.from"), t.from.as_str().to_string());
            f.insert(format!("tr.{i}.to"), t.to.as_str().to_string());
            if t.requires_text {
                f.insert(format!("tr.{i}.text"), "1".into());
            }
        }
        for c in Category::ALL {
            f.insert(format!("deadline.{}", c.as_str()), "5".into());
        }
        f
    }

    #[test]
    fn the_default_workflow_round_trips_through_the_form() {
        let wf = Workflow::default();
        let p = parse(Lang::Nl, &form_of(&wf));
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.wf, wf);
        assert!(p.retention.validate(&wf).is_ok());
        assert_eq!(p.deadlines.for_category(Category::Drugsafval), 5);
    }

    #[test]
    fn removing_the_only_way_into_a_state_makes_it_unreachable() {
        let wf = Workflow::default();
        let mut f = form_of(&wf);
        // Drop every transition into "doorgezet".
        for (i, t) in wf.transitions.iter().enumerate() {
            if t.to.as_str() == "doorgezet" {
                f.insert(format!("tr.{i}.remove"), "1".into());
            }
        }
        let p = parse(Lang::Nl, &f);
        let problems = p.wf.validate().expect_err("unreachable");
        let messages: Vec<String> = problems
            .iter()
            .map(|x| problem_message(Lang::Nl, "problem", "problem", x))
            .collect();
        assert!(
            messages.iter().any(|m| m.contains("doorgezet")),
            "{messages:?}"
        );
    }

    #[test]
    fn unreadable_numbers_are_named() {
        let mut f = form_of(&Workflow::default());
        f.insert(format!("deadline.{}", "drugsafval"), "twee".into());
        f.insert(format!("ret.{}.nieuw", "drugsafval"), "-1".into());
        let p = parse(Lang::Nl, &f);
        assert_eq!(p.errors.len(), 2, "{:?}", p.errors);
    }
}
