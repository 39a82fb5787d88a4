//! Exports of a run's scored addresses for the roles that may see them:
//! CSV, XLSX (Excel) and GeoJSON (WGS84 points). One table, three formats;
//! every export is audited.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::scan::visible_run;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bz_domain::access::Action;
use bz_domain::audit::Outcome;
use bz_domain::indicators::{IndicatorSet, describe_scaling, fmt_num};
use bz_store::audit::NewEntry;
use bz_store::scan::{ResultWithAddress, RunRow};

/// A cell of the export table.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Int(i64),
    Num(f64, usize),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(v, d) => format!("{v:.d$}", d = *d),
        }
    }
    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Text(s) => serde_json::Value::String(s.clone()),
            Cell::Int(i) => serde_json::json!(i),
            Cell::Num(v, _) => serde_json::json!(v),
        }
    }
}

const HEADER: [&str; 26] = [
    "adres_id",
    "straat",
    "huisnummer",
    "huisletter",
    "postcode",
    "woonplaats",
    "x",
    "y",
    "oad",
    "buitengebied",
    "incidenten_1km_5j",
    "signalen_500m_2j",
    "isolatie_m",
    "agrarisch_gestopt",
    "groot_bedrijfspand",
    "buiten_gebruik",
    "indicatorset",
    "bijdrage_incidenten_1km_5j",
    "bijdrage_signalen_500m_2j",
    "bijdrage_isolatie_m",
    "bijdrage_agrarisch_gestopt",
    "bijdrage_groot_bedrijfspand",
    "bijdrage_buiten_gebruik",
    "score",
    "klasse",
    "laatste_besluit",
];

/// One address's row; the contributions are those of the run's indicator set.
fn row(r: &ResultWithAddress, set: &IndicatorSet) -> Vec<Cell> {
    let x = &r.result;
    let b = |v: bool| Cell::Int(i64::from(v));
    let (_, c, _) = bz_domain::indicators::score(set, &crate::scanrun::raw_values(x));
    let mut cells = vec![
        Cell::Text(x.address_id.clone()),
        Cell::Text(r.straat.clone()),
        Cell::Int(r.huisnummer),
        Cell::Text(r.huisletter.clone().unwrap_or_default()),
        Cell::Text(r.postcode.clone().unwrap_or_default()),
        Cell::Text(r.woonplaats.clone()),
        Cell::Num(r.x, 3),
        Cell::Num(r.y, 3),
        Cell::Num(x.oad, 9),
        b(x.buitengebied),
        Cell::Int(x.incidenten_1km_5j),
        Cell::Int(x.signalen_500m_2j),
        Cell::Num(x.isolatie_m, 9),
        b(x.agrarisch_gestopt),
        b(x.groot_bedrijfspand),
        b(x.buiten_gebruik),
        Cell::Text(set.reference()),
    ];
    cells.extend(c.iter().map(|v| Cell::Num(*v, 9)));
    cells.extend([
        Cell::Num(x.score, 9),
        Cell::Text(x.klasse.clone()),
        Cell::Text(r.latest_decision.clone().unwrap_or_default()),
    ]);
    cells
}

fn csv(rows: &[ResultWithAddress], set: &IndicatorSet) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record(HEADER).map_err(err)?;
    for r in rows {
        w.write_record(row(r, set).iter().map(Cell::text))
            .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

fn xlsx(run: &RunRow, rows: &[ResultWithAddress], set: &IndicatorSet) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("gebiedsscan").map_err(err)?;
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let rr = i as u32 + 1;
        for (c, cell) in row(r, set).into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string(rr, c, s).map_err(err)?,
                Cell::Int(v) => ws.write_number(rr, c, v as f64).map_err(err)?,
                Cell::Num(v, _) => ws.write_number(rr, c, v).map_err(err)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    let about = wb.add_worksheet();
    about.set_name("over deze scan").map_err(err)?;
    let mut meta = vec![
        ("scan", run.id.clone()),
        ("gebied", format!("{} ({})", run.area_name, run.area_code)),
        ("soort gebied", run.area_kind.clone()),
        ("peildatum", run.peildatum.clone()),
        ("indicatorset", run.indicator_set.clone()),
        ("gewichten", run.weights.clone()),
        ("gestart door", run.started_by_name.clone()),
        (
            "let op",
            "Een score is nooit een vaststelling, alleen een reden om te kijken. Incidenten en signalen beschrijven de omgeving, niet de mensen op een adres.".into(),
        ),
    ];
    // The set's weights, scales and class cut-offs, so that every score can be recomputed.
    for c in &set.indicators {
        meta.push((
            c.indicator.name(),
            if c.enabled {
                format!(
                    "gewicht {}; {}",
                    fmt_num(c.weight),
                    describe_scaling(c.scaling)
                )
            } else {
                "niet gebruikt".into()
            },
        ));
    }
    meta.push((
        "klassen",
        format!(
            "hoog vanaf {}, midden vanaf {}",
            fmt_num(set.cutoffs.hoog),
            fmt_num(set.cutoffs.midden)
        ),
    ));
    for (i, (k, v)) in meta.iter().enumerate() {
        about
            .write_string_with_format(i as u32, 0, *k, &bold)
            .map_err(err)?;
        about.write_string(i as u32, 1, v).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}

fn geojson(
    run: &RunRow,
    rows: &[ResultWithAddress],
    set: &IndicatorSet,
) -> Result<Vec<u8>, AppError> {
    let mut features = Vec::with_capacity(rows.len());
    for r in rows {
        let ll = bz_geo::rd_to_wgs84(bz_geo::RdPoint::new(r.x, r.y))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let props: serde_json::Map<String, serde_json::Value> = HEADER
            .iter()
            .zip(row(r, set))
            .filter(|(h, _)| **h != "x" && **h != "y")
            .map(|(h, c)| (h.to_string(), c.json()))
            .collect();
        features.push(serde_json::json!({
            "type": "Feature",
            "id": r.result.address_id,
            "geometry": {
                "type": "Point",
                "coordinates": [
                    (ll.lon * 1e7).round() / 1e7,
                    (ll.lat * 1e7).round() / 1e7,
                ],
            },
            "properties": props,
        }));
    }
    let doc = serde_json::json!({
        "type": "FeatureCollection",
        "name": format!("gebiedsscan-{}-{}", run.area_code, run.peildatum),
        "scan": {
            "id": run.id,
            "peildatum": run.peildatum,
            "indicatorset": run.indicator_set,
            "gewichten": set.weights_json(),
            "let_op": "Een score is nooit een vaststelling, alleen een reden om te kijken.",
        },
        "features": features,
    });
    serde_json::to_vec(&doc).map_err(|e| AppError::Internal(e.to_string()))
}

async fn export(
    st: AppState,
    ctx: Ctx,
    id: String,
    format: &'static str,
) -> Result<Response, AppError> {
    let run = visible_run(&st, &ctx, &id, Action::ViewScanResults).await?;
    let rows = st.store.scan_results(&run.id, None, i64::MAX, 0).await?;
    let set = crate::pages::indicators::set_of_run(&st, &run).await?;
    let (body, mime) = match format {
        "xlsx" => (
            xlsx(&run, &rows, &set)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "geojson" => (geojson(&run, &rows, &set)?, "application/geo+json"),
        _ => (csv(&rows, &set)?, "text/csv; charset=utf-8"),
    };
    if let Some(s) = &ctx.subject {
        st.store
            .audit(
                NewEntry {
                    actor_id: Some(s.user_id.clone()),
                    actor_name: s.username.clone(),
                    org_id: Some(s.org_id.clone()),
                    action: "scan.results.export",
                    object_type: "scan_run",
                    object_id: run.id.clone(),
                    outcome: Outcome::Success,
                    detail: format!("{} adressen ({})", rows.len(), format.to_uppercase()),
                },
                st.clock.now_ms(),
            )
            .await?;
    }
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"gebiedsscan-{}-{}.{format}\"",
        run.area_code, run.peildatum
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

pub async fn export_csv(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    export(st, ctx, id, "csv").await
}

pub async fn export_xlsx(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    export(st, ctx, id, "xlsx").await
}

pub async fn export_geojson(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    export(st, ctx, id, "geojson").await
}
