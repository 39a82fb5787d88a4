//! Running the gebiedsscan inside the server: read the stored registries,
//! run the pure engine (`bz_scan`) off the async threads, and store the run
//! with its results and an audit entry in one transaction.

use bz_domain::audit::Outcome;
use bz_domain::indicators::{IndicatorSet, RawValues};
use bz_domain::scan::AreaKind;
use bz_store::Store;
use bz_store::audit::NewEntry;
use bz_store::scan::{ResultRow, RunRow};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ScanRunError {
    #[error("{0}")]
    Store(#[from] bz_store::StoreError),
    #[error("stored data cannot be read for the scan: {0}")]
    Data(String),
    #[error("the area {0} has no addresses")]
    EmptyArea(String),
    #[error("scan task failed: {0}")]
    Task(String),
}

/// Who starts the run.
pub struct Starter<'a> {
    pub user_id: &'a str,
    pub username: &'a str,
    pub org_id: &'a str,
}

fn date(s: &str, what: &str) -> Result<time::Date, ScanRunError> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| ScanRunError::Data(format!("{what}: {s:?}: {e}")))
}

/// Parse a stored GeoJSON MultiPolygon/Polygon geometry into rings of points.
pub fn polygons_of(geometry: &str) -> Result<Vec<Vec<Vec<[f64; 2]>>>, ScanRunError> {
    bz_geo::stored_polygons(geometry).map_err(|e| ScanRunError::Data(format!("geometry: {e}")))
}

/// The raw indicator values of an engine result.
pub fn raw_values(r: &ResultRow) -> RawValues {
    RawValues {
        incidents: u32::try_from(r.incidenten_1km_5j).unwrap_or(u32::MAX),
        signals: u32::try_from(r.signalen_500m_2j).unwrap_or(u32::MAX),
        isolatie_m: r.isolatie_m,
        agrarisch_gestopt: r.agrarisch_gestopt,
        groot_bedrijfspand: r.groot_bedrijfspand,
        buiten_gebruik: r.buiten_gebruik,
    }
}

/// The area a run covers.
#[derive(Debug, Clone)]
pub enum ScanArea {
    /// All addresses of a municipality (CBS code).
    Gemeente(String),
    /// The municipality's buitengebied.
    Buitengebied(String),
    /// A user's own area: the municipality's addresses inside `boundary` (RD New).
    Eigen {
        gemeente: String,
        name: String,
        boundary: bz_geo::MultiPolygon,
    },
}

impl ScanArea {
    /// A municipality or its buitengebied.
    pub fn of(code: &str, kind: AreaKind) -> Option<ScanArea> {
        match kind {
            AreaKind::Gemeente => Some(ScanArea::Gemeente(code.into())),
            AreaKind::Buitengebied => Some(ScanArea::Buitengebied(code.into())),
            AreaKind::EigenGebied => None,
        }
    }

    /// The municipality the area lies in.
    pub fn gemeente(&self) -> &str {
        match self {
            ScanArea::Gemeente(c) | ScanArea::Buitengebied(c) => c,
            ScanArea::Eigen { gemeente, .. } => gemeente,
        }
    }

    pub fn kind(&self) -> AreaKind {
        match self {
            ScanArea::Gemeente(_) => AreaKind::Gemeente,
            ScanArea::Buitengebied(_) => AreaKind::Buitengebied,
            ScanArea::Eigen { .. } => AreaKind::EigenGebied,
        }
    }

    /// Whether an address of the municipality with this engine result is in the area.
    fn contains(&self, x: f64, y: f64, buitengebied: bool) -> bool {
        match self {
            ScanArea::Gemeente(_) => true,
            ScanArea::Buitengebied(_) => buitengebied,
            ScanArea::Eigen { boundary, .. } => boundary.covers(bz_geo::RdPoint { x, y }),
        }
    }
}

/// Run the scan for a municipality (or its buitengebied) with an approved
/// indicator set and store it. The engine computes the raw indicator values;
/// the score and class come from the set. Returns the run id.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    store: &Store,
    who: Starter<'_>,
    area_code: &str,
    kind: AreaKind,
    peildatum: time::Date,
    set: &IndicatorSet,
    now_ms: i64,
) -> Result<String, ScanRunError> {
    let area = ScanArea::of(area_code, kind)
        .ok_or_else(|| ScanRunError::Data("an own area needs its boundary".into()))?;
    run_area(store, who, &area, peildatum, set, now_ms).await
}

/// Run the scan for any area (see [`run`]).
pub async fn run_area(
    store: &Store,
    who: Starter<'_>,
    area: &ScanArea,
    peildatum: time::Date,
    set: &IndicatorSet,
    now_ms: i64,
) -> Result<String, ScanRunError> {
    let area_code = area.gemeente();
    let kind = area.kind();
    let src = store.scan_source().await?;
    let area_name = match area {
        ScanArea::Eigen { name, .. } => name.clone(),
        _ => src
            .gemeenten
            .iter()
            .find(|g| g.0 == area_code)
            .map(|g| g.1.clone())
            .unwrap_or_else(|| area_code.to_string()),
    };
    let mut input = bz_scan::ScanInput {
        addresses: Vec::with_capacity(src.addresses.len()),
        businesses: Vec::new(),
        incidents: Vec::new(),
        signals: Vec::new(),
        municipalities: Vec::new(),
    };
    for a in &src.addresses {
        input.addresses.push(bz_scan::Address {
            id: a.id.clone(),
            x: a.x,
            y: a.y,
            gemeente: a.gemeente_code.clone(),
            gebruiksdoel: a.gebruiksdoel.clone(),
            oppervlakte: a.oppervlakte,
            bouwjaar: a.bouwjaar.unwrap_or(0) as i32,
            status: a.status.clone(),
        });
    }
    for b in &src.businesses {
        input.businesses.push(bz_scan::Business {
            kvk: b.kvk.clone(),
            adres_id: b.address_id.clone(),
            sbi: b.sbi.clone(),
            start: date(&b.start_date, "business start")?,
            einde: b
                .end_date
                .as_deref()
                .map(|d| date(d, "business end"))
                .transpose()?,
        });
    }
    for s in store.placed_signals().await? {
        input.signals.push(bz_scan::Signal {
            datum: date(&s.observed_on, "signal date")?,
            id: s.id,
            x: s.x,
            y: s.y,
            categorie: s.category,
        });
    }
    for i in &src.incidents {
        input.incidents.push(bz_scan::Incident {
            id: i.id.clone(),
            x: i.x,
            y: i.y,
            datum: date(&i.date, "incident date")?,
            soort: i.kind.clone(),
        });
    }
    for (code, name, geometry) in &src.gemeenten {
        input.municipalities.push(bz_scan::Municipality {
            statcode: code.clone(),
            statnaam: name.clone(),
            polygons: polygons_of(geometry)?,
        });
    }
    let counts = json!({
        "addresses": input.addresses.len(),
        "businesses": input.businesses.len(),
        "incidents": input.incidents.len(),
        "signals": input.signals.len(),
        "municipalities": input.municipalities.len(),
    });
    let started = std::time::Instant::now();
    let output = tokio::task::spawn_blocking(move || {
        let out = bz_scan::scan(&input, peildatum);
        (input, out)
    })
    .await
    .map_err(|e| ScanRunError::Task(e.to_string()))?;
    let (input, output) = output;
    let duration_ms = started.elapsed().as_millis() as i64;

    let mut results = Vec::new();
    for (a, r) in input.addresses.iter().zip(&output.addresses) {
        if a.gemeente != area_code || !area.contains(a.x, a.y, r.buitengebied) {
            continue;
        }
        results.push(ResultRow {
            address_id: r.id.clone(),
            oad: r.oad,
            buitengebied: r.buitengebied,
            incidenten_1km_5j: i64::from(r.incidenten_1km_5j),
            signalen_500m_2j: i64::from(r.signalen_500m_2j),
            isolatie_m: r.isolatie_m,
            agrarisch_gestopt: r.agrarisch_gestopt,
            groot_bedrijfspand: r.groot_bedrijfspand,
            buiten_gebruik: r.buiten_gebruik,
            score: r.score,
            klasse: r.klasse.as_str().to_string(),
        });
    }
    // Score with the chosen set (for spec v1 this equals the engine's score bit for bit).
    let mut contributions = Vec::with_capacity(results.len());
    for r in &mut results {
        let (score, c, klasse) = bz_domain::indicators::score(set, &raw_values(r));
        r.score = score;
        r.klasse = klasse.as_str().to_string();
        contributions.push(c);
    }
    if results.is_empty() {
        return Err(ScanRunError::EmptyArea(area_code.to_string()));
    }
    let count = |k: &str| results.iter().filter(|r| r.klasse == k).count() as i64;
    let mean = results.iter().map(|r| r.score).sum::<f64>() / results.len() as f64;
    let scored: Vec<bz_domain::scan::Scored> = results
        .iter()
        .zip(&contributions)
        .map(|(r, c)| bz_domain::scan::Scored {
            oad: r.oad,
            score: r.score,
            contributions: *c,
        })
        .collect();
    let bias = serde_json::to_string(&bz_domain::scan::bias_report_with(
        &scored,
        set.cutoffs.hoog,
        set.cutoffs.midden,
    ))
    .map_err(|e| ScanRunError::Data(e.to_string()))?;
    let run = RunRow {
        id: bz_store::new_id(),
        area_kind: kind.as_str().into(),
        area_code: area_code.into(),
        area_name,
        peildatum: peildatum.to_string(),
        indicator_set: set.reference(),
        weights: set.weights_json().to_string(),
        inputs: counts.to_string(),
        started_by: who.user_id.into(),
        started_by_name: who.username.into(),
        org_id: who.org_id.into(),
        started_at: now_ms / 1000,
        duration_ms,
        addresses: results.len() as i64,
        buitengebied: results.iter().filter(|r| r.buitengebied).count() as i64,
        hoog: count("hoog"),
        midden: count("midden"),
        laag: count("laag"),
        mean_score: mean,
        bias,
        area_geometry: match area {
            ScanArea::Eigen { boundary, .. } => Some(
                bz_geo::multipolygon_to_geojson(boundary, bz_geo::Crs::Rd)
                    .map_err(|e| ScanRunError::Data(e.to_string()))?
                    .to_string(),
            ),
            _ => None,
        },
    };
    let mut tx = store.begin_write().await?;
    bz_store::scan::insert_run(&mut tx, &run, &results).await?;
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(who.user_id.into()),
            actor_name: who.username.into(),
            org_id: Some(who.org_id.into()),
            action: "scan.run",
            object_type: "scan_run",
            object_id: run.id.clone(),
            outcome: Outcome::Success,
            detail: format!(
                "{} {} peildatum {}, indicatorset {}: {} adressen, {} hoog",
                kind.as_str(),
                area_code,
                run.peildatum,
                run.indicator_set,
                run.addresses,
                run.hoog
            ),
        },
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(run.id)
}

/// Record a person's decision on a scored address, with its audit entry, in one transaction.
pub async fn record_decision(
    store: &Store,
    who: &bz_domain::access::Subject,
    run: &RunRow,
    address_id: &str,
    decision: bz_domain::scan::Decision,
    reason: String,
    now_ms: i64,
) -> Result<bz_store::scan::DecisionRow, bz_store::StoreError> {
    let mut row = bz_store::scan::DecisionRow {
        id: String::new(),
        run_id: run.id.clone(),
        address_id: address_id.to_string(),
        decision: decision.as_str().into(),
        reason,
        decided_by: who.user_id.clone(),
        decided_by_name: who.username.clone(),
        org_id: who.org_id.clone(),
        decided_at: now_ms / 1000,
    };
    let mut tx = store.begin_write().await?;
    row.id = bz_store::scan::insert_decision(&mut tx, &row).await?;
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(who.user_id.clone()),
            actor_name: who.username.clone(),
            org_id: Some(who.org_id.clone()),
            action: "scan.decision",
            object_type: "address",
            object_id: address_id.to_string(),
            outcome: Outcome::Success,
            detail: format!("{} (besluit {}, run {})", decision.as_str(), row.id, run.id),
        },
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The v1 set scores exactly like the engine (`bz_scan`): contributions,
        /// score and class, bit for bit.
        #[test]
        fn the_v1_set_scores_like_the_engine(
            incidents in 0u32..40,
            signals in 0u32..40,
            isolatie_m in prop_oneof![0.0f64..8000.0, Just(100.0), Just(1000.0), Just(5000.0)],
            a in any::<bool>(),
            g in any::<bool>(),
            b in any::<bool>(),
        ) {
            let raw = RawValues { incidents, signals, isolatie_m, agrarisch_gestopt: a, groot_bedrijfspand: g, buiten_gebruik: b };
            let (score, c, klasse) = bz_domain::indicators::score(&IndicatorSet::v1(), &raw);
            let ec = bz_scan::contributions(incidents, signals, isolatie_m, a, g, b);
            let es = bz_scan::score(ec);
            prop_assert_eq!(score.to_bits(), es.to_bits());
            for i in 0..6 {
                prop_assert_eq!(c[i].to_bits(), ec[i].to_bits());
            }
            prop_assert_eq!(klasse.as_str(), bz_scan::Klasse::of(es).as_str());
        }
    }

    #[test]
    fn stored_geometries_parse() {
        let mp = polygons_of(
            r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[10,0],[10,10],[0,0]]]]}"#,
        )
        .unwrap();
        assert_eq!(mp.len(), 1);
        assert_eq!(mp[0][0].len(), 4);
        let p = polygons_of(r#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]}"#).unwrap();
        assert_eq!(p[0].len(), 2);
        assert!(polygons_of(r#"{"type":"Point","coordinates":[1,2]}"#).is_err());
        assert!(polygons_of("not json").is_err());
    }
}
