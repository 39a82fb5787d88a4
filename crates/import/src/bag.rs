//! BAG addresses from the three forms people have: Kadaster's BAG 2.0
//! Extract XML (zip-in-zip, a zip, a directory or one XML file; streamed),
//! PDOK's BAG GeoPackage (`bag-light.gpkg`), and the spec's `adressen.csv`.

use crate::registry::write_addresses;
use crate::{Actor, ImportError, Imported, Progress, Result, Source};
use bz_store::Store;
use bz_store::area::AddressRow;
use std::path::Path;
use std::sync::Arc;

/// The form of a BAG file, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BagFormat {
    /// BAG 2.0 Extract XML: a zip (also zip-in-zip), a directory or an XML file.
    ExtractXml,
    /// PDOK `bag-light.gpkg`.
    GeoPackage,
    /// `adressen.csv` of the gebiedsscan spec.
    AdressenCsv,
}

impl BagFormat {
    pub fn detect(name: &Path) -> BagFormat {
        let ext = name
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("gpkg") => BagFormat::GeoPackage,
            Some("csv") => BagFormat::AdressenCsv,
            _ => BagFormat::ExtractXml,
        }
    }
}

/// BAG addresses from `source` in the form its name tells. For the XML
/// extract, the version of each object current on `peildatum` is kept and
/// `fallback_gemeente` is used for addresses whose municipality the extract
/// does not give (no GEM-WPL-RELATIE file).
pub async fn bag(
    store: &Store,
    source: &Source,
    peildatum: time::Date,
    fallback_gemeente: Option<&str>,
    actor: &Actor,
    progress: &Arc<Progress>,
) -> Result<Imported> {
    match BagFormat::detect(Path::new(&source.label)) {
        BagFormat::AdressenCsv => crate::adressen(store, source, actor, progress).await,
        BagFormat::GeoPackage => geopackage(store, source, actor, progress).await,
        BagFormat::ExtractXml => {
            extract_xml(store, source, peildatum, fallback_gemeente, actor, progress).await
        }
    }
}

async fn geopackage(
    store: &Store,
    source: &Source,
    actor: &Actor,
    progress: &Arc<Progress>,
) -> Result<Imported> {
    let rows = bz_store::gpkg::read_addresses(&source.path, &source.label, &source.label, |n| {
        progress.set_read(n)
    })
    .await
    .map_err(|e| ImportError::Refused {
        nl: e.lines(true),
        en: e.lines(false),
    })?;
    let n = rows.len();
    write_addresses(
        store,
        &rows,
        actor,
        source,
        "import.bag",
        format!("{n} adressen uit BAG GeoPackage"),
        progress,
    )
    .await?;
    progress.finish();
    Ok(Imported {
        count: n,
        summary_nl: format!("{n} adressen geïmporteerd uit de BAG GeoPackage"),
        summary_en: format!("{n} addresses imported from the BAG GeoPackage"),
    })
}

async fn extract_xml(
    store: &Store,
    source: &Source,
    peildatum: time::Date,
    fallback_gemeente: Option<&str>,
    actor: &Actor,
    progress: &Arc<Progress>,
) -> Result<Imported> {
    let date = bz_bag::Date::new(
        peildatum.year() as u16,
        u8::from(peildatum.month()),
        peildatum.day(),
    )
    .ok_or_else(|| {
        ImportError::refused(
            format!("peildatum {peildatum} valt buiten het bereik"),
            format!("peildatum {peildatum} is out of range"),
        )
    })?;
    let path = source.path.clone();
    let shared = progress.clone();
    // Streams the XML on a blocking thread; the object count moves the progress.
    let (snapshot, stats, budget) = tokio::task::spawn_blocking(move || {
        let mut snapshot = bz_bag::Snapshot::new(date);
        let mut budget = bz_bag::ErrorBudget::new(50);
        let mut n: u64 = 0;
        let stats = bz_bag::read_bag(&path, &bz_bag::SourceOptions::default(), &mut budget, |o| {
            n += 1;
            if n.is_multiple_of(10_000) {
                shared.set_read(n);
            }
            snapshot.offer(o)
        });
        shared.set_read(n);
        (snapshot, stats, budget)
    })
    .await
    .map_err(|e| {
        ImportError::refused(
            format!("lezen afgebroken: {e}"),
            format!("reading aborted: {e}"),
        )
    })?;
    if let Err(e) = budget.into_result(()) {
        let relabel = |s: String| -> Vec<String> {
            s.lines()
                .map(|l| source.relabel(l.trim()))
                .filter(|l| !l.is_empty())
                .collect()
        };
        return Err(ImportError::Refused {
            nl: relabel(e.message_nl()),
            en: relabel(e.to_string()),
        });
    }
    let (addresses, _warnings) = bz_bag::join_addresses(
        &snapshot,
        &bz_bag::JoinOptions {
            include_plaatsen: false,
            warn_missing_gemeente: false,
        },
    );
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
            source: format!("BAG {}", source.label),
        })
        .collect();
    let n = rows.len();
    write_addresses(
        store,
        &rows,
        actor,
        source,
        "import.bag",
        format!(
            "{n} adressen (peildatum {peildatum}), {} MB XML",
            stats.bytes / 1_000_000
        ),
        progress,
    )
    .await?;
    progress.finish();
    Ok(Imported {
        count: n,
        summary_nl: format!(
            "{n} adressen geïmporteerd uit {} XML-bestanden ({:.1} MB)",
            stats.files,
            stats.bytes as f64 / 1e6
        ),
        summary_en: format!(
            "{n} addresses imported from {} XML files ({:.1} MB)",
            stats.files,
            stats.bytes as f64 / 1e6
        ),
    })
}
