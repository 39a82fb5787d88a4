//! `buitenzicht import …`: registry data from files. Every file is parsed
//! completely before anything is written; the write is one transaction with
//! its audit entry, so a failed import changes nothing. Re-importing updates
//! objects by id (no duplicates).

use anyhow::{Context, Result};
use bz_domain::audit::Outcome;
use bz_store::Store;
use bz_store::area::{AddressRow, BusinessRow, IncidentRow};
use bz_store::audit::NewEntry;
use std::path::Path;

fn refused(e: bz_scan::ScanError) -> anyhow::Error {
    anyhow::anyhow!(
        "import geweigerd, er is niets geïmporteerd: {}\n  (import refused, nothing was imported: {e})",
        e.message_nl()
    )
}

fn now() -> (i64, i64) {
    let t = time::OffsetDateTime::now_utc();
    (
        t.unix_timestamp(),
        (t.unix_timestamp_nanos() / 1_000_000) as i64,
    )
}

fn entry(action: &'static str, file: &Path, detail: String) -> NewEntry {
    NewEntry {
        actor_id: None,
        actor_name: "system (cli)".into(),
        org_id: None,
        action,
        object_type: "file",
        object_id: file.display().to_string(),
        outcome: Outcome::Success,
        detail,
    }
}

/// Addresses in the `adressen.csv` format of the gebiedsscan spec.
pub async fn adressen(store: &Store, file: &Path) -> Result<usize> {
    let list = bz_scan::io::read_addresses(file).map_err(refused)?;
    let source = file.display().to_string();
    let rows: Vec<AddressRow> = list
        .into_iter()
        .map(|a| AddressRow {
            id: a.id,
            x: a.x,
            y: a.y,
            gemeente_code: a.gemeente,
            straat: String::new(),
            huisnummer: 0,
            huisletter: None,
            postcode: None,
            woonplaats: String::new(),
            gebruiksdoel: a.gebruiksdoel,
            oppervlakte: a.oppervlakte,
            bouwjaar: Some(i64::from(a.bouwjaar)),
            status: a.status,
            source: source.clone(),
        })
        .collect();
    let (secs, ms) = now();
    let mut tx = store.begin_write().await?;
    bz_store::area::insert_addresses(&mut tx, &rows, secs).await?;
    bz_store::audit::append(
        &mut tx,
        entry("import.adressen", file, format!("{} adressen", rows.len())),
        ms,
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// Businesses in the `bedrijven.csv` format of the spec.
pub async fn bedrijven(store: &Store, file: &Path) -> Result<usize> {
    let list = bz_scan::io::read_businesses(file).map_err(refused)?;
    let source = file.display().to_string();
    let rows: Vec<BusinessRow> = list
        .into_iter()
        .map(|b| BusinessRow {
            id: b.kvk.clone(),
            kvk: b.kvk,
            name: String::new(),
            address_id: b.adres_id,
            sbi: b.sbi,
            start_date: b.start.to_string(),
            end_date: b.einde.map(|d| d.to_string()),
            source: source.clone(),
        })
        .collect();
    let (secs, ms) = now();
    let mut tx = store.begin_write().await?;
    bz_store::area::insert_businesses(&mut tx, &rows, secs).await?;
    bz_store::audit::append(
        &mut tx,
        entry(
            "import.bedrijven",
            file,
            format!("{} vestigingen", rows.len()),
        ),
        ms,
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// Partner incidents in the `incidenten.csv` format, with their source
/// organisation, legal basis and retention period (all required).
pub async fn incidenten(
    store: &Store,
    file: &Path,
    bron: &str,
    grondslag: &str,
    bewaartermijn_jaren: u8,
) -> Result<usize> {
    if grondslag.trim().len() < 5 {
        anyhow::bail!(
            "import geweigerd: de wettelijke grondslag (--grondslag) ontbreekt of is te kort / import refused: the legal basis (--grondslag) is missing"
        );
    }
    if bewaartermijn_jaren == 0 {
        anyhow::bail!(
            "import geweigerd: de bewaartermijn (--bewaartermijn-jaren) moet minstens 1 jaar zijn / import refused: the retention period must be at least 1 year"
        );
    }
    let org = store
        .organisations()
        .await?
        .into_iter()
        .find(|o| o.name == bron)
        .with_context(|| format!("import geweigerd: bronorganisatie {bron:?} bestaat niet / import refused: source organisation {bron:?} does not exist"))?;
    let list = bz_scan::io::read_incidents(file).map_err(refused)?;
    let points: Vec<(f64, f64)> = list.iter().map(|i| (i.x, i.y)).collect();
    let gemeenten = covering_gemeenten(store, &points).await?;
    let rows: Vec<IncidentRow> = list
        .into_iter()
        .zip(gemeenten)
        .map(|(i, gemeente_code)| {
            let retention = bz_scan::window_start(i.datum, -i32::from(bewaartermijn_jaren));
            IncidentRow {
                id: i.id,
                x: i.x,
                y: i.y,
                date: i.datum.to_string(),
                kind: i.soort,
                gemeente_code,
                source_org_id: org.id.clone(),
                legal_basis: grondslag.trim().to_string(),
                retention_until: retention.to_string(),
                description: String::new(),
            }
        })
        .collect();
    let (secs, ms) = now();
    let mut tx = store.begin_write().await?;
    bz_store::area::insert_incidents(&mut tx, &rows, secs).await?;
    bz_store::audit::append(&mut tx, entry("import.incidenten", file, format!("{} incidenten van {bron}, grondslag {grondslag}, bewaartermijn {bewaartermijn_jaren} jaar", rows.len())), ms).await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// BAG 2.0 Extract (Kadaster XML: zip-in-zip, a zip, a directory or one XML
/// file): the version of each object current on `peildatum`, joined into
/// addresses. Streams the XML; any object error refuses the whole import.
pub async fn bag(
    store: &Store,
    path: &Path,
    peildatum: time::Date,
    fallback_gemeente: Option<&str>,
) -> Result<(usize, bz_bag::SourceStats)> {
    let date = bz_bag::Date::new(
        peildatum.year() as u16,
        u8::from(peildatum.month()),
        peildatum.day(),
    )
    .context("peildatum")?;
    let mut snapshot = bz_bag::Snapshot::new(date);
    let mut budget = bz_bag::ErrorBudget::new(50);
    let stats = bz_bag::read_bag(path, &bz_bag::SourceOptions::default(), &mut budget, |o| {
        snapshot.offer(o)
    });
    budget.into_result(()).map_err(|e| anyhow::anyhow!("import geweigerd, er is niets geïmporteerd: {}\n  (import refused, nothing was imported: {e})", e.message_nl()))?;
    let (addresses, _warnings) = bz_bag::join_addresses(
        &snapshot,
        &bz_bag::JoinOptions {
            include_plaatsen: false,
            warn_missing_gemeente: false,
        },
    );
    let source = format!("BAG {}", path.display());
    let rows: Vec<AddressRow> = addresses
        .into_iter()
        .map(|a| AddressRow {
            id: a.id.to_string(),
            x: a.x,
            y: a.y,
            gemeente_code: a
                .gemeente
                .map(|g| format!("GM{g}"))
                .or_else(|| fallback_gemeente.map(str::to_string))
                .unwrap_or_default(),
            straat: a.straat,
            huisnummer: i64::from(a.huisnummer.unwrap_or(0)),
            huisletter: a.huisletter.map(|c| c.to_string()),
            postcode: a.postcode.map(|p| p.to_string()),
            woonplaats: a.woonplaats,
            gebruiksdoel: a.gebruiksdoel,
            oppervlakte: i64::from(a.oppervlakte.unwrap_or(0)),
            bouwjaar: a.bouwjaar.map(i64::from),
            status: a.status,
            source: source.clone(),
        })
        .collect();
    let (secs, ms) = now();
    let mut tx = store.begin_write().await?;
    bz_store::area::insert_addresses(&mut tx, &rows, secs).await?;
    bz_store::audit::append(
        &mut tx,
        entry(
            "import.bag",
            path,
            format!(
                "{} adressen (peildatum {peildatum}), {} MB XML",
                rows.len(),
                stats.bytes / 1_000_000
            ),
        ),
        ms,
    )
    .await?;
    tx.commit().await?;
    Ok((rows.len(), stats))
}

/// The municipality covering each point (the smallest code on a border).
async fn covering_gemeenten(store: &Store, points: &[(f64, f64)]) -> Result<Vec<Option<String>>> {
    let mut gemeenten = Vec::new();
    for (code, geometry) in store.gemeente_geometries().await? {
        let polygons =
            bz_web::scanrun::polygons_of(&geometry).map_err(|e| anyhow::anyhow!("{code}: {e}"))?;
        gemeenten.push(bz_scan::Municipality {
            statcode: code,
            statnaam: String::new(),
            polygons,
        });
    }
    let polys = bz_scan::municipality_polygons(&gemeenten);
    Ok(points
        .iter()
        .map(|&(x, y)| {
            let pt = bz_geo::RdPoint { x, y };
            gemeenten
                .iter()
                .zip(&polys)
                .find(|(_, p)| p.as_ref().is_some_and(|p| p.covers(pt)))
                .map(|(m, _)| m.statcode.clone())
        })
        .collect())
}

/// Partner signals in the `signalen.csv` format of the gebiedsscan spec
/// (id, x, y, datum, categorie), from a named source organisation. They count
/// in the scan's `signalen_500m_2j` and show on the map's signals layer.
pub async fn signalen(store: &Store, file: &Path, bron: &str) -> Result<usize> {
    let org = store
        .organisations()
        .await?
        .into_iter()
        .find(|o| o.name == bron)
        .with_context(|| format!("import geweigerd: bronorganisatie {bron:?} bestaat niet / import refused: source organisation {bron:?} does not exist"))?;
    let list = bz_scan::io::read_signals(file).map_err(refused)?;
    let points: Vec<(f64, f64)> = list.iter().map(|s| (s.x, s.y)).collect();
    let gemeenten = covering_gemeenten(store, &points).await?;
    let rows: Vec<bz_store::signals::SignalRow> = list
        .into_iter()
        .zip(gemeenten)
        .map(|(s, gemeente_code)| bz_store::signals::SignalRow {
            id: s.id,
            channel: bz_store::signals::CHANNEL_IMPORT.into(),
            source: org.name.clone(),
            source_org_id: Some(org.id.clone()),
            category: s.categorie,
            state: "nieuw".into(),
            observed_on: s.datum.to_string(),
            x: s.x,
            y: s.y,
            bag_id: None,
            gemeente_code,
            description: String::new(),
        })
        .collect();
    let (secs, ms) = now();
    let mut tx = store.begin_write().await?;
    bz_store::signals::upsert_signals(&mut tx, &rows, secs).await?;
    bz_store::audit::append(
        &mut tx,
        entry(
            "import.signalen",
            file,
            format!("{} signalen van {bron}", rows.len()),
        ),
        ms,
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}
