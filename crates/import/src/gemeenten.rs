//! CBS municipality boundaries (GeoJSON in RD New or WGS84).

use crate::{Actor, ImportError, Imported, Progress, Result, Source, audit_entry, now};
use bz_store::Store;
use std::sync::Arc;

/// Municipality boundaries from a CBS GeoJSON file; `code_property` and
/// `name_property` name the properties holding the CBS code and the name.
pub async fn gemeenten(
    store: &Store,
    source: &Source,
    code_property: &str,
    name_property: &str,
    actor: &Actor,
    progress: &Arc<Progress>,
) -> Result<Imported> {
    let bytes = tokio::fs::read(&source.path).await.map_err(|e| {
        ImportError::refused(
            format!("{}: kan niet worden gelezen: {e}", source.label),
            format!("{}: cannot be read: {e}", source.label),
        )
    })?;
    let opts = bz_geo::ParseOptions {
        code_property: code_property.to_string(),
        name_property: name_property.to_string(),
        crs: None,
    };
    let label = source.label.clone();
    let list = tokio::task::spawn_blocking(move || {
        bz_geo::parse_municipalities_geojson(&bytes, &label, &opts)
    })
    .await
    .map_err(|e| {
        ImportError::refused(
            format!("lezen afgebroken: {e}"),
            format!("reading aborted: {e}"),
        )
    })?
    .map_err(|e| geo_error(&e))?;
    progress.set_read(list.len() as u64);
    let (secs, ms) = now();
    let mut rows = Vec::with_capacity(list.len());
    for m in &list {
        let geometry = bz_geo::multipolygon_to_geojson(&m.multipolygon_rd, bz_geo::Crs::Rd)
            .map_err(|e| {
                ImportError::refused(
                    format!("{}: gemeente {}: {e}", source.label, m.code),
                    format!("{}: municipality {}: {e}", source.label, m.code),
                )
            })?;
        rows.push(bz_store::area::GemeenteRow {
            code: m.code.clone(),
            name: m.name.clone(),
            geometry: geometry.to_string(),
            area_m2: m.multipolygon_rd.area(),
            source: source.label.clone(),
        });
    }
    progress.start_writing(rows.len() as u64);
    let mut tx = store.begin_write().await?;
    for row in &rows {
        bz_store::area::upsert_gemeente(&mut tx, row, secs).await?;
        progress.add_written(1);
    }
    let n = rows.len();
    bz_store::audit::append(
        &mut tx,
        audit_entry("import.gemeenten", actor, source, format!("{n} gemeenten")),
        ms,
    )
    .await?;
    tx.commit().await?;
    progress.finish();
    Ok(Imported {
        count: n,
        summary_nl: format!("{n} gemeenten geïmporteerd"),
        summary_en: format!("{n} municipalities imported"),
    })
}

/// The GeoJSON reader's errors name the file, feature index and field in
/// English; the Dutch line keeps those names and translates the frame.
fn geo_error(e: &bz_geo::GeoError) -> ImportError {
    use bz_geo::GeoError as G;
    let nl = match e {
        G::Json {
            file,
            line,
            column,
            reason,
        } => format!("{file}: geen geldige JSON op regel {line}, kolom {column}: {reason}"),
        G::File {
            file,
            field,
            reason,
        } => format!("{file}: {field}: {reason}"),
        G::Feature {
            file,
            index,
            field,
            reason,
        } => format!("{file}: feature {index}: {field}: {reason}"),
        other => format!("ongeldig bestand: {other}"),
    };
    ImportError::refused(nl, e.to_string())
}
