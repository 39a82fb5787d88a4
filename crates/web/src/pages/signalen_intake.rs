//! The intake form for professional signals (`toezichthouder`, `intake`,
//! `aov`): source, category, description and location (an address by
//! postcode and house number, a BAG object id, or RD coordinates). Errors
//! are shown at their fields; before saving, likely duplicates are shown so
//! the officer can open one instead (or save anyway).

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::signalen::{
    Choice, DuplicateLine, Viewer, category_name, duplicate_lines, duplicates_of, entry,
    source_name,
};
use crate::pages::signalen_actions::actor;
use crate::pages::{FieldError, error_for, html};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::audit::Outcome;
use bz_signals::duplicates::SignalFacts;
use bz_signals::submission::{LocationInput, NewIntakeSignal, PointInput, validate_intake};
use bz_signals::{Category, IntakeSource};
use bz_store::signal_workflow::{self as sw, NewSignal};
use std::collections::BTreeMap;

/// The channel of a signal entered on the intake form.
pub const CHANNEL_INTAKE: &str = "intake";

#[derive(Template)]
#[template(path = "signalen_nieuw.html")]
struct FormPage {
    page: PageCtx,
    sources: Vec<Choice>,
    categories: Vec<Choice>,
    description: String,
    location: String,
    x: String,
    y: String,
    errors: Vec<FieldError>,
    duplicates: Vec<DuplicateLine>,
}

impl FormPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
}

fn form_page(
    ctx: &Ctx,
    f: &BTreeMap<String, String>,
    errors: Vec<FieldError>,
    duplicates: Vec<DuplicateLine>,
) -> FormPage {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let lang = ctx.lang;
    FormPage {
        page: ctx.page("sig.new.title"),
        sources: IntakeSource::ALL
            .iter()
            .filter(|s| s.is_professional())
            .map(|s| Choice {
                value: s.as_str().into(),
                label: source_name(lang, s.as_str()),
                selected: get("source") == s.as_str(),
            })
            .collect(),
        categories: Category::ALL
            .iter()
            .map(|c| Choice {
                value: c.as_str().into(),
                label: category_name(lang, c.as_str()),
                selected: get("category") == c.as_str(),
            })
            .collect(),
        description: get("description"),
        location: get("location"),
        x: get("x"),
        y: get("y"),
        errors,
        duplicates,
    }
}

/// `GET /signalen/nieuw`: the empty intake form.
pub async fn form(Extension(ctx): Extension<Ctx>) -> Result<Response, AppError> {
    html(&form_page(&ctx, &BTreeMap::new(), Vec::new(), Vec::new()))
}

fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim().replace(',', ".");
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Where the signal is: the address (with its BAG id and municipality) or a
/// point; `Err` names the problem of the location field.
struct Located {
    bag_id: Option<String>,
    point: Option<(f64, f64)>,
    gemeente: Option<String>,
}

async fn locate(
    st: &AppState,
    ctx: &Ctx,
    f: &BTreeMap<String, String>,
) -> Result<Located, AppError> {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let address = get("location");
    if !address.is_empty() {
        let compact: String = address.chars().filter(|c| !c.is_whitespace()).collect();
        let hits = if compact.len() == 16 && compact.bytes().all(|b| b.is_ascii_digit()) {
            st.store.address_hit(&compact).await?.into_iter().collect()
        } else {
            match crate::pages::melden::parse_address_query(&address) {
                Some(q) => st.store.search_addresses(&q, 2).await?,
                None => Vec::new(),
            }
        };
        return match hits.as_slice() {
            [one] => Ok(Located {
                bag_id: Some(one.id.clone()),
                point: Some((one.x, one.y)),
                gemeente: Some(one.gemeente_code.clone()),
            }),
            [] => Err(AppError::BadRequest(ctx.t("sig.err.address_unknown"))),
            _ => Err(AppError::BadRequest(ctx.t("sig.err.address_ambiguous"))),
        };
    }
    let (x, y) = (get("x"), get("y"));
    if x.is_empty() && y.is_empty() {
        return Ok(Located {
            bag_id: None,
            point: None,
            gemeente: None,
        });
    }
    match (parse_number(&x), parse_number(&y)) {
        (Some(x), Some(y)) => Ok(Located {
            bag_id: None,
            point: Some((x, y)),
            gemeente: gemeente_at(st, x, y).await?,
        }),
        _ => Err(AppError::BadRequest(ctx.t("sig.err.coordinates"))),
    }
}

/// The municipality whose imported boundary covers an RD point.
pub async fn gemeente_at(st: &AppState, x: f64, y: f64) -> Result<Option<String>, AppError> {
    let p = bz_geo::RdPoint::new(x, y);
    let mut ms = Vec::new();
    for (code, geometry) in st.store.gemeente_geometries().await? {
        let polygons = bz_geo::stored_polygons(&geometry)
            .map_err(|e| AppError::Internal(format!("boundary of {code}: {e}")))?;
        ms.push(bz_scan::Municipality {
            statcode: code,
            statnaam: String::new(),
            polygons,
        });
    }
    let polys = bz_scan::municipality_polygons(&ms);
    Ok(ms
        .into_iter()
        .zip(polys)
        .find(|(_, mp)| mp.as_ref().is_some_and(|mp| mp.covers(p)))
        .map(|(m, _)| m.statcode))
}

fn message(lang: Lang, e: &bz_signals::submission::FieldError) -> FieldError {
    FieldError {
        field: e.field.as_str().into(),
        message: match lang {
            Lang::Nl => e.message_nl(),
            Lang::En => e.message_en(),
        },
    }
}

/// `POST /signalen/nieuw`: check, show likely duplicates once, then save.
pub async fn submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let f: BTreeMap<String, String> = form_urlencoded::parse(&body)
        .filter(|(k, _)| k != "_csrf")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let refuse = |errors: Vec<FieldError>, dups: Vec<DuplicateLine>| {
        html(&form_page(&ctx, &f, errors, dups))
            .map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
    };
    let mut errors = Vec::new();
    let located = match locate(&st, &ctx, &f).await {
        Ok(l) => Some(l),
        Err(AppError::BadRequest(m)) => {
            errors.push(FieldError {
                field: "location".into(),
                message: m,
            });
            None
        }
        Err(e) => return Err(e),
    };
    let input = NewIntakeSignal {
        source: get("source"),
        category: get("category"),
        description: get("description"),
        location: LocationInput {
            bag_object_id: located.as_ref().and_then(|l| l.bag_id.clone()),
            point: located
                .as_ref()
                .and_then(|l| l.point)
                .map(|(x, y)| PointInput::Rd { x, y }),
        },
    };
    let valid = match validate_intake(&input) {
        Ok(v) if errors.is_empty() => v,
        Ok(_) => return refuse(errors, Vec::new()),
        Err(e) => {
            // The location problems of the address lookup come first.
            let has_location = !errors.is_empty();
            errors.extend(
                e.0.iter()
                    .filter(|fe| !(has_location && fe.field.as_str() == "location"))
                    .map(|fe| message(ctx.lang, fe)),
            );
            return refuse(errors, Vec::new());
        }
    };
    let located = located.unwrap_or(Located {
        bag_id: None,
        point: None,
        gemeente: None,
    });
    let now = st.clock.now();
    let point = valid.location.point.map(|p| (p.x, p.y));
    if get("dubbel_gezien") != "1" {
        let facts = SignalFacts {
            id: String::new(),
            category: valid.category,
            bag_object_id: located.bag_id.clone(),
            location: valid.location.point,
            reported_at: now,
        };
        let dups = duplicates_of(&st, &v, &facts).await?;
        if !dups.is_empty() {
            let wf = st.store.workflow().await?;
            let lines = duplicate_lines(ctx.lang, &wf, &dups);
            return html(&form_page(&ctx, &f, Vec::new(), lines));
        }
    }
    let wf = st.store.workflow().await?;
    let initial = wf
        .initial()
        .ok_or_else(|| AppError::Internal("the workflow has no initial state".into()))?;
    let gemeente = match (&located.gemeente, point) {
        (Some(g), _) => Some(g.clone()),
        (None, Some((x, y))) => gemeente_at(&st, x, y).await?,
        (None, None) => None,
    };
    let id = bz_store::new_id();
    let rec = NewSignal {
        id: id.clone(),
        channel: CHANNEL_INTAKE.into(),
        source: valid.source.as_str().into(),
        source_org_id: Some(v.subject.org_id.clone()),
        category: valid.category.as_str().into(),
        state: initial.code.as_str().into(),
        observed_on: crate::pages::signalen::local_day(now),
        received_at: now,
        x: point.map(|p| p.0),
        y: point.map(|p| p.1),
        bag_id: located.bag_id.clone(),
        gemeente_code: gemeente.clone(),
        description: valid.description.clone(),
        created_by: Some(v.subject.user_id.clone()),
    };
    let who = actor(&v.subject, &ctx);
    let mut tx = st.store.begin_write().await?;
    sw::insert_signal(&mut tx, &rec, &who).await?;
    // Outside every imported municipality nobody's area covers it: the
    // officer's own organisation keeps it.
    if gemeente.is_none() {
        sw::assign(&mut tx, &id, &v.subject.org_id, None, &who, now).await?;
    }
    bz_store::audit::append(
        &mut tx,
        entry(
            &v.subject,
            "signal.create",
            &id,
            Outcome::Success,
            format!("{} via {}", rec.category, rec.source),
        ),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/signalen/{id}?ok=nieuw")).into_response())
}
