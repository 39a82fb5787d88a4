//! The home page: the organisation, its areas and their key figures, and
//! the way to every capability the user may use.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::pages::{html, years_before};
use askama::Template;
use axum::extract::{Extension, State};
use axum::response::Response;
use bz_store::area::{AreaFigures, GemeenteSummary};

pub struct AreaView {
    pub code: String,
    pub name: String,
    pub area_km2: String,
    pub figures: AreaFigures,
    /// The newest gebiedsscan over this area, if any.
    pub latest_scan: Option<bz_store::scan::RunRow>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageCtx,
    org: String,
    org_type: String,
    areas: Vec<AreaView>,
    since_5y: String,
    today: String,
}

/// Figures for a list of areas, as of today.
pub async fn area_views(
    st: &AppState,
    areas: Vec<GemeenteSummary>,
) -> Result<(Vec<AreaView>, String, String), AppError> {
    let today = st.clock.today();
    let since_5y = years_before(today, 5).to_string();
    let since_10y = years_before(today, 10).to_string();
    let mut out = Vec::new();
    for a in areas {
        let figures = st
            .store
            .area_figures(&a.code, &today.to_string(), &since_5y, &since_10y)
            .await?;
        let latest_scan = st
            .store
            .scan_runs(std::slice::from_ref(&a.code))
            .await?
            .into_iter()
            .next();
        out.push(AreaView {
            code: a.code,
            name: a.name,
            area_km2: format!("{:.0}", a.area_m2 / 1e6),
            figures,
            latest_scan,
        });
    }
    Ok((out, since_5y, today.to_string()))
}

pub async fn home(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    let subject = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let org = st.store.organisation(&subject.org_id).await?;
    let areas = st.store.organisation_areas(&org.id).await?;
    let (areas, since_5y, today) = area_views(&st, areas).await?;
    let page = HomePage {
        page: ctx.page("home.title"),
        org: org.name,
        org_type: ctx.t(&format!("orgtype.{}", org.org_type.as_str())),
        areas,
        since_5y,
        today,
    };
    html(&page)
}
