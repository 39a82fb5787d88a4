//! The map "inkleuren buitengebied": a MapLibre page over vector tiles that
//! Buitenzicht serves itself, the tiles (only the layers the viewer's role
//! may see), the accessible table view with the same data, and the details
//! of a clicked location.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::pages::html;
use crate::pages::scan::{allowed, subject_areas, visible_run};
use crate::tilecache::SetKey;
use askama::Template;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use bz_domain::access::Action;
use bz_domain::audit::Outcome;
use bz_store::audit::NewEntry;
use bz_store::scan::RunRow;
use bz_tiles::{Layer, Period, SquareRow, TileId, View};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The query of the map, its tiles and its table.
#[derive(Debug, Default, Deserialize)]
pub struct MapQuery {
    #[serde(default)]
    pub run: Option<String>,
    #[serde(default)]
    pub van: Option<String>,
    #[serde(default)]
    pub tot: Option<String>,
}

/// What a request resolves to: the viewer's areas, the runs shown, the view.
struct Resolved {
    key: SetKey,
    view: View,
    runs: Vec<RunRow>,
    selected: Option<String>,
    van: String,
    tot: String,
    errors: Vec<String>,
}

/// The layers a subject may receive, and the suppression that applies.
fn view_for(ctx: &Ctx, period: Period) -> View {
    let mut layers = vec![Layer::Gemeenten, Layer::Vierkanten];
    if allowed(ctx, Action::ViewScanResults) {
        layers.push(Layer::Locaties);
    }
    if allowed(ctx, Action::ViewLocationDetails) {
        layers.push(Layer::Incidenten);
        layers.push(Layer::Signalen);
    }
    // Roles without address-level access see aggregates of at least 5 addresses only.
    let min_cell_addresses = if allowed(ctx, Action::ViewLocationDetails) {
        0
    } else {
        5
    };
    View {
        layers,
        min_cell_addresses,
        period,
    }
}

fn parse_day(s: &Option<String>) -> Result<Option<time::Date>, ()> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bz_scan::io::parse_date(v).map(Some).ok_or(()),
    }
}

async fn resolve(st: &AppState, ctx: &Ctx, q: &MapQuery) -> Result<Resolved, AppError> {
    let areas = subject_areas(st, ctx).await?;
    let mut codes: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
    codes.sort();
    let runs = st.store.scan_runs(&codes).await?;
    let mut errors = Vec::new();
    let selected: Vec<String> = match q.run.as_deref().filter(|r| !r.is_empty()) {
        Some(id) => {
            if !runs.iter().any(|r| r.id == id) {
                return Err(AppError::NotFound);
            }
            vec![id.to_string()]
        }
        None => {
            // The newest run of every area.
            let mut seen = std::collections::HashSet::new();
            runs.iter()
                .filter(|r| seen.insert(r.area_code.clone()))
                .map(|r| r.id.clone())
                .collect()
        }
    };
    let from = parse_day(&q.van).unwrap_or_else(|_| {
        errors.push(ctx.t("map.error.van"));
        None
    });
    let to = parse_day(&q.tot).unwrap_or_else(|_| {
        errors.push(ctx.t("map.error.tot"));
        None
    });
    let mut runs_sorted = selected.clone();
    runs_sorted.sort();
    Ok(Resolved {
        key: SetKey {
            areas: codes,
            runs: runs_sorted,
        },
        view: view_for(ctx, Period { from, to }),
        runs,
        selected: q.run.clone().filter(|r| !r.is_empty()),
        van: from.map(|d| d.to_string()).unwrap_or_default(),
        tot: to.map(|d| d.to_string()).unwrap_or_default(),
        errors,
    })
}

fn query_string(r: &Resolved) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    if let Some(run) = &r.selected {
        q.append_pair("run", run);
    }
    if !r.van.is_empty() {
        q.append_pair("van", &r.van);
    }
    if !r.tot.is_empty() {
        q.append_pair("tot", &r.tot);
    }
    q.finish()
}

async fn audit_view(
    st: &AppState,
    ctx: &Ctx,
    action: &'static str,
    object: &str,
    detail: String,
) -> Result<(), AppError> {
    if let Some(s) = &ctx.subject {
        st.store
            .audit(
                NewEntry {
                    actor_id: Some(s.user_id.clone()),
                    actor_name: s.username.clone(),
                    org_id: Some(s.org_id.clone()),
                    action,
                    object_type: "map",
                    object_id: object.to_string(),
                    outcome: Outcome::Success,
                    detail,
                },
                st.clock.now_ms(),
            )
            .await?;
    }
    Ok(())
}

/// The bounds of the viewer's areas in WGS84: [west, south, east, north].
async fn bounds(st: &AppState, codes: &[String]) -> Result<Option<[f64; 4]>, AppError> {
    let mut b: Option<[f64; 4]> = None;
    for (code, geometry) in st.store.gemeente_geometries().await? {
        if !codes.contains(&code) {
            continue;
        }
        let polys = crate::scanrun::polygons_of(&geometry)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        for p in polys.iter().flatten().take(1).flatten() {
            if let Ok(ll) = bz_geo::rd_to_wgs84(bz_geo::RdPoint::new(p[0], p[1])) {
                let e = b.get_or_insert([ll.lon, ll.lat, ll.lon, ll.lat]);
                e[0] = e[0].min(ll.lon);
                e[1] = e[1].min(ll.lat);
                e[2] = e[2].max(ll.lon);
                e[3] = e[3].max(ll.lat);
            }
        }
    }
    Ok(b)
}

pub struct RunChoice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    page: PageCtx,
    runs: Vec<RunChoice>,
    van: String,
    tot: String,
    errors: Vec<String>,
    layers: Vec<&'static str>,
    tiles: String,
    table_href: String,
    bounds: String,
    labels: String,
    basemap_tiles: String,
    basemap_attribution: String,
}

impl MapPage {
    fn has(&self, l: &str) -> bool {
        self.layers.contains(&l)
    }
}

fn run_choices(ctx: &Ctx, r: &Resolved) -> Vec<RunChoice> {
    r.runs
        .iter()
        .map(|run| RunChoice {
            id: run.id.clone(),
            label: format!(
                "{} ({}), {} {}",
                run.area_name,
                ctx.t(&format!("scan.kind.{}", run.area_kind)),
                ctx.t("scan.peildatum"),
                run.peildatum
            ),
            selected: r.selected.as_deref() == Some(run.id.as_str()),
        })
        .collect()
}

pub async fn page(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<MapQuery>,
) -> Result<Response, AppError> {
    let r = resolve(&st, &ctx, &q).await?;
    let qs = query_string(&r);
    let layers: Vec<&'static str> = r.view.layers.iter().map(|l| l.name()).collect();
    if r.view.allows(Layer::Locaties) {
        audit_view(
            &st,
            &ctx,
            "map.view",
            &r.key.runs.join(","),
            format!("lagen: {}", layers.join(", ")),
        )
        .await?;
    }
    let b = bounds(&st, &r.key.areas).await?;
    let labels = serde_json::json!({
        "klasse": ctx.t("map.panel.klasse"),
        "score": ctx.t("map.panel.score"),
        "adres": ctx.t("map.panel.adres"),
        "open": ctx.t("map.panel.open"),
        "code": ctx.t("map.panel.code"),
        "adressen": ctx.t("map.col.adressen"),
        "buitengebied": ctx.t("map.col.buitengebied"),
        "hoog": ctx.t("scan.class.hoog"),
        "gem_score": ctx.t("map.col.gem_score"),
        "incidenten": ctx.t("map.col.incidenten"),
        "signalen": ctx.t("map.col.signalen"),
        "onderdrukt": ctx.t("map.suppressed"),
        "soort": ctx.t("map.panel.soort"),
        "datum": ctx.t("map.panel.datum"),
        "n": ctx.t("map.panel.n"),
        "naam": ctx.t("map.panel.naam"),
        "gemeente": ctx.t("map.panel.gemeente"),
        "vierkant": ctx.t("map.panel.vierkant"),
        "locatie": ctx.t("map.panel.locatie"),
        "incident": ctx.t("map.panel.incident"),
        "signaal": ctx.t("map.panel.signaal"),
        "cluster": ctx.t("map.panel.cluster"),
        "klassen": {
            "hoog": ctx.t("scan.class.hoog"),
            "midden": ctx.t("scan.class.midden"),
            "laag": ctx.t("scan.class.laag"),
        },
    });
    let p = MapPage {
        page: ctx.page("map.title"),
        runs: run_choices(&ctx, &r),
        van: r.van.clone(),
        tot: r.tot.clone(),
        errors: r.errors.clone(),
        layers,
        tiles: format!(
            "/kaart/tegels/{{z}}/{{x}}/{{y}}{}{qs}",
            if qs.is_empty() { "" } else { "?" }
        ),
        table_href: format!("/kaart/tabel{}{qs}", if qs.is_empty() { "" } else { "?" }),
        bounds: b
            .map(|b| serde_json::json!(b).to_string())
            .unwrap_or_default(),
        labels: labels.to_string(),
        basemap_tiles: st
            .config
            .basemap
            .as_ref()
            .map(|b| b.tiles.clone())
            .unwrap_or_default(),
        basemap_attribution: st
            .config
            .basemap
            .as_ref()
            .map(|b| b.attribution.clone())
            .unwrap_or_default(),
    };
    html(&p)
}

/// One vector tile. Only the layers the viewer may see are encoded; the ETag
/// covers the data stamp, the viewer's areas and runs, and the view.
pub async fn tile(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((z, x, y)): Path<(u8, u32, u32)>,
    Query(q): Query<MapQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let t = TileId::new(z, x, y).ok_or(AppError::NotFound)?;
    let r = resolve(&st, &ctx, &q).await?;
    if !r.errors.is_empty() {
        return Err(AppError::BadRequest(r.errors.join("; ")));
    }
    let stamp = st.tiles.stamp(&st.store).await?;
    let mut h = Sha256::new();
    h.update(format!("{stamp}|{:?}|{:?}|{z}/{x}/{y}", r.key, r.view));
    let etag = format!("\"{}\"", hex::encode(&h.finalize()[..12]));
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim() == etag));
    let mut resp = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let set = st
            .tiles
            .get(&st.store, &r.key)
            .await
            .map_err(AppError::Internal)?;
        let view = r.view.clone();
        let bytes = tokio::task::spawn_blocking(move || set.render(t, &view))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut resp = bytes.into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vnd.mapbox-vector-tile"),
        );
        resp
    };
    let hs = resp.headers_mut();
    hs.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        hs.insert(header::ETAG, v);
    }
    Ok(resp)
}

pub struct LocationLine {
    pub run: String,
    pub id: String,
    pub adres: String,
    pub klasse: String,
    pub score: String,
}

#[derive(Template)]
#[template(path = "map_table.html")]
struct TablePage {
    page: PageCtx,
    runs: Vec<RunChoice>,
    van: String,
    tot: String,
    errors: Vec<String>,
    map_href: String,
    squares: Vec<SquareRow>,
    show_locations: bool,
    locations: Vec<LocationLine>,
    show_events: bool,
    events: Vec<(String, u32, u32)>,
    min_cell: u32,
}

impl TablePage {
    fn opt(&self, v: &Option<u32>) -> String {
        v.map(|n| crate::i18n::number(self.page.lang, i64::from(n)))
            .unwrap_or_default()
    }
    fn score(&self, v: &Option<f64>) -> String {
        v.map(|s| format!("{s:.3}")).unwrap_or_default()
    }
}

/// Locations listed in the table (hoog and midden, highest score first).
const TABLE_LOCATIONS: i64 = 500;

/// The accessible table view: the same data as the map.
pub async fn table(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<MapQuery>,
) -> Result<Response, AppError> {
    let r = resolve(&st, &ctx, &q).await?;
    let set = st
        .tiles
        .get(&st.store, &r.key)
        .await
        .map_err(AppError::Internal)?;
    let show_locations = r.view.allows(Layer::Locaties);
    let mut locations = Vec::new();
    if show_locations {
        for run in &r.key.runs {
            for k in ["hoog", "midden"] {
                for row in st
                    .store
                    .scan_results(run, Some(k), TABLE_LOCATIONS, 0)
                    .await?
                {
                    locations.push(LocationLine {
                        run: run.clone(),
                        id: row.result.address_id.clone(),
                        adres: format!(
                            "{} {}{}, {}",
                            row.straat,
                            row.huisnummer,
                            row.huisletter.clone().unwrap_or_default(),
                            row.woonplaats
                        ),
                        klasse: ctx.t(&format!("scan.class.{}", row.result.klasse)),
                        score: format!("{:.3}", row.result.score),
                    });
                }
            }
        }
        audit_view(
            &st,
            &ctx,
            "map.table.view",
            &r.key.runs.join(","),
            format!("{} locaties getoond", locations.len()),
        )
        .await?;
    }
    let show_events = r.view.allows(Layer::Incidenten);
    let qs = query_string(&r);
    let p = TablePage {
        page: ctx.page("map.table.title"),
        runs: run_choices(&ctx, &r),
        van: r.van.clone(),
        tot: r.tot.clone(),
        errors: r.errors.clone(),
        map_href: format!("/kaart{}{qs}", if qs.is_empty() { "" } else { "?" }),
        squares: set.squares_table(&r.view),
        show_locations,
        locations,
        show_events,
        events: if show_events {
            set.events_table(&r.view)
        } else {
            Vec::new()
        },
        min_cell: r.view.min_cell_addresses,
    };
    html(&p)
}

/// The details of a clicked location for the side panel (role-gated,
/// audited): its result in the run of the map that holds it.
pub async fn location(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(address_id): Path<String>,
    Query(q): Query<MapQuery>,
) -> Result<Response, AppError> {
    let r = resolve(&st, &ctx, &q).await?;
    let mut found = None;
    for run_id in &r.key.runs {
        let run = visible_run(&st, &ctx, run_id, Action::ViewScanResults).await?;
        match st.store.scan_result(&run.id, &address_id).await {
            Ok(row) => {
                found = Some((run, row));
                break;
            }
            Err(bz_store::StoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    let (run, row) = found.ok_or(AppError::NotFound)?;
    audit_view(
        &st,
        &ctx,
        "map.location.view",
        &format!("{}/{}", run.id, address_id),
        "zijpaneel".into(),
    )
    .await?;
    Ok(Json(serde_json::json!({
        "adres": format!("{} {}{}", row.straat, row.huisnummer, row.huisletter.clone().unwrap_or_default()),
        "postcode": row.postcode,
        "woonplaats": row.woonplaats,
        "gebruiksdoel": row.gebruiksdoel,
        "oppervlakte": row.oppervlakte,
        "klasse": row.result.klasse,
        "klasse_label": ctx.t(&format!("scan.class.{}", row.result.klasse)),
        "score": row.result.score,
        "href": format!("/gebiedsscan/{}/adres/{}", run.id, address_id),
    }))
    .into_response())
}

/// The squares of the map as JSON (same view, same suppression as the tiles).
pub async fn squares_api(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<MapQuery>,
) -> Result<Response, AppError> {
    let r = resolve(&st, &ctx, &q).await?;
    if !r.errors.is_empty() {
        return Err(AppError::BadRequest(r.errors.join("; ")));
    }
    let set = st
        .tiles
        .get(&st.store, &r.key)
        .await
        .map_err(AppError::Internal)?;
    Ok(Json(serde_json::json!({
        "gebieden": r.key.areas,
        "scans": r.key.runs,
        "van": r.van,
        "tot": r.tot,
        "onderdrukt_onder": r.view.min_cell_addresses,
        "lagen": r.view.layers.iter().map(|l| l.name()).collect::<Vec<_>>(),
        "vierkanten": set.squares_table(&r.view),
    }))
    .into_response())
}
