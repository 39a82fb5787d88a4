//! The CSV formats of the gebiedsscan spec: addresses, businesses, partner
//! incidents and partner signals.

use crate::progress::WRITE_SLICE;
use crate::{
    Actor, ImportError, Imported, Progress, Result, Source, audit_entry, covering_gemeenten, now,
    source_org,
};
use bz_store::Store;
use bz_store::area::{AddressRow, BusinessRow, IncidentRow};
use std::sync::Arc;

/// Runs a blocking reader off the async threads.
async fn read_blocking<T: Send + 'static>(
    source: &Source,
    read: impl FnOnce(&std::path::Path) -> std::result::Result<T, bz_scan::ScanError> + Send + 'static,
) -> Result<T> {
    let path = source.path.clone();
    match tokio::task::spawn_blocking(move || read(&path)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(ImportError::from_scan(source, &e)),
        Err(e) => Err(ImportError::refused(
            format!("{}: lezen afgebroken: {e}", source.label),
            format!("{}: reading aborted: {e}", source.label),
        )),
    }
}

/// Writes `rows` in slices inside `tx`, moving the progress.
async fn write_slices<T>(
    tx: &mut bz_store::WriteTx,
    rows: &[T],
    progress: &Progress,
    write: impl AsyncSliceWriter<T>,
) -> Result<()> {
    progress.start_writing(rows.len() as u64);
    for slice in rows.chunks(WRITE_SLICE) {
        write.write(tx, slice).await?;
        progress.add_written(slice.len() as u64);
    }
    Ok(())
}

/// A store function that writes one slice of rows in a transaction.
pub(crate) trait AsyncSliceWriter<T> {
    async fn write(&self, tx: &mut bz_store::WriteTx, rows: &[T]) -> Result<()>;
}

pub(crate) struct Addresses(pub i64);
impl AsyncSliceWriter<AddressRow> for Addresses {
    async fn write(&self, tx: &mut bz_store::WriteTx, rows: &[AddressRow]) -> Result<()> {
        Ok(bz_store::area::insert_addresses(tx, rows, self.0).await?)
    }
}
struct Businesses(i64);
impl AsyncSliceWriter<BusinessRow> for Businesses {
    async fn write(&self, tx: &mut bz_store::WriteTx, rows: &[BusinessRow]) -> Result<()> {
        Ok(bz_store::area::insert_businesses(tx, rows, self.0).await?)
    }
}
struct Incidents(i64);
impl AsyncSliceWriter<IncidentRow> for Incidents {
    async fn write(&self, tx: &mut bz_store::WriteTx, rows: &[IncidentRow]) -> Result<()> {
        Ok(bz_store::area::insert_incidents(tx, rows, self.0).await?)
    }
}
struct Signals(i64);
impl AsyncSliceWriter<bz_store::signals::SignalRow> for Signals {
    async fn write(
        &self,
        tx: &mut bz_store::WriteTx,
        rows: &[bz_store::signals::SignalRow],
    ) -> Result<()> {
        Ok(bz_store::signals::upsert_signals(tx, rows, self.0).await?)
    }
}

/// Writes address rows with their audit entry in one transaction.
pub(crate) async fn write_addresses(
    store: &Store,
    rows: &[AddressRow],
    actor: &Actor,
    source: &Source,
    action: &'static str,
    detail: String,
    progress: &Progress,
) -> Result<()> {
    let (secs, ms) = now();
    let mut tx = store.begin_write().await?;
    write_slices(&mut tx, rows, progress, Addresses(secs)).await?;
    bz_store::audit::append(&mut tx, audit_entry(action, actor, source, detail), ms).await?;
    tx.commit().await?;
    Ok(())
}

/// Addresses in the `adressen.csv` format of the gebiedsscan spec.
pub async fn adressen(
    store: &Store,
    source: &Source,
    actor: &Actor,
    progress: &Arc<Progress>,
) -> Result<Imported> {
    let list = read_blocking(source, bz_scan::io::read_addresses).await?;
    progress.set_read(list.len() as u64);
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
            source: source.label.clone(),
        })
        .collect();
    let n = rows.len();
    write_addresses(
        store,
        &rows,
        actor,
        source,
        "import.adressen",
        format!("{n} adressen"),
        progress,
    )
    .await?;
    progress.finish();
    Ok(Imported {
        count: n,
        summary_nl: format!("{n} adressen geïmporteerd"),
        summary_en: format!("{n} addresses imported"),
    })
}

/// Businesses in the `bedrijven.csv` format of the spec.
pub async fn bedrijven(
    store: &Store,
    source: &Source,
    actor: &Actor,
    progress: &Arc<Progress>,
) -> Result<Imported> {
    let list = read_blocking(source, bz_scan::io::read_businesses).await?;
    progress.set_read(list.len() as u64);
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
            source: source.label.clone(),
        })
        .collect();
    let n = rows.len();
    let (secs, ms) = now();
    let mut tx = store.begin_write().await?;
    write_slices(&mut tx, &rows, progress, Businesses(secs)).await?;
    bz_store::audit::append(
        &mut tx,
        audit_entry(
            "import.bedrijven",
            actor,
            source,
            format!("{n} vestigingen"),
        ),
        ms,
    )
    .await?;
    tx.commit().await?;
    progress.finish();
    Ok(Imported {
        count: n,
        summary_nl: format!("{n} bedrijfsvestigingen geïmporteerd"),
        summary_en: format!("{n} establishments imported"),
    })
}

/// What partner incidents must carry: their source organisation (by exact
/// name), the legal basis for holding them and the retention period.
#[derive(Debug, Clone)]
pub struct IncidentTerms {
    pub bron: String,
    pub grondslag: String,
    pub bewaartermijn_jaren: u8,
}

/// Partner incidents in the `incidenten.csv` format, with their source
/// organisation, legal basis and retention period (all required).
pub async fn incidenten(
    store: &Store,
    source: &Source,
    terms: &IncidentTerms,
    actor: &Actor,
    progress: &Arc<Progress>,
) -> Result<Imported> {
    let grondslag = terms.grondslag.trim();
    if grondslag.chars().count() < 5 {
        return Err(ImportError::refused(
            "de wettelijke grondslag ontbreekt of is te kort (minstens 5 tekens)",
            "the legal basis is missing or too short (at least 5 characters)",
        ));
    }
    if terms.bewaartermijn_jaren == 0 {
        return Err(ImportError::refused(
            "de bewaartermijn moet minstens 1 jaar zijn",
            "the retention period must be at least 1 year",
        ));
    }
    let org = source_org(store, &terms.bron).await?;
    let list = read_blocking(source, bz_scan::io::read_incidents).await?;
    progress.set_read(list.len() as u64);
    let points: Vec<(f64, f64)> = list.iter().map(|i| (i.x, i.y)).collect();
    let gemeenten = covering_gemeenten(store, &points).await?;
    let years = i32::from(terms.bewaartermijn_jaren);
    let rows: Vec<IncidentRow> = list
        .into_iter()
        .zip(gemeenten)
        .map(|(i, gemeente_code)| {
            let retention = bz_scan::window_start(i.datum, -years);
            IncidentRow {
                id: i.id,
                x: i.x,
                y: i.y,
                date: i.datum.to_string(),
                kind: i.soort,
                gemeente_code,
                source_org_id: org.id.clone(),
                legal_basis: grondslag.to_string(),
                retention_until: retention.to_string(),
                description: String::new(),
            }
        })
        .collect();
    let n = rows.len();
    let (secs, ms) = now();
    let mut tx = store.begin_write().await?;
    write_slices(&mut tx, &rows, progress, Incidents(secs)).await?;
    bz_store::audit::append(
        &mut tx,
        audit_entry(
            "import.incidenten",
            actor,
            source,
            format!(
                "{n} incidenten van {}, grondslag {grondslag}, bewaartermijn {} jaar",
                terms.bron, terms.bewaartermijn_jaren
            ),
        ),
        ms,
    )
    .await?;
    tx.commit().await?;
    progress.finish();
    Ok(Imported {
        count: n,
        summary_nl: format!("{n} incidenten geïmporteerd"),
        summary_en: format!("{n} incidents imported"),
    })
}

/// Partner signals in the `signalen.csv` format of the gebiedsscan spec
/// (id, x, y, datum, categorie), from a named source organisation. They count
/// in the scan's `signalen_500m_2j` and show on the map's signals layer.
pub async fn signalen(
    store: &Store,
    source: &Source,
    bron: &str,
    actor: &Actor,
    progress: &Arc<Progress>,
) -> Result<Imported> {
    let org = source_org(store, bron).await?;
    let list = read_blocking(source, bz_scan::io::read_signals).await?;
    progress.set_read(list.len() as u64);
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
    let n = rows.len();
    let (secs, ms) = now();
    let mut tx = store.begin_write().await?;
    write_slices(&mut tx, &rows, progress, Signals(secs)).await?;
    bz_store::audit::append(
        &mut tx,
        audit_entry(
            "import.signalen",
            actor,
            source,
            format!("{n} signalen van {bron}"),
        ),
        ms,
    )
    .await?;
    tx.commit().await?;
    progress.finish();
    Ok(Imported {
        count: n,
        summary_nl: format!("{n} signalen geïmporteerd"),
        summary_en: format!("{n} signals imported"),
    })
}
