//! Writing the demo as gebiedsscan input (`shared/spec/gebiedsscan-v1.md`).

use std::fs;
use std::path::{Path, PathBuf};

use bz_geo::{Crs, municipalities_to_geojson};
use thiserror::Error;
use time::Date;
use time::macros::format_description;

use crate::DemoData;

/// Failure to write the scan input; names the file.
#[derive(Debug, Error)]
pub enum WriteError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("{path}: {source}")]
    Geo {
        path: PathBuf,
        #[source]
        source: bz_geo::GeoError,
    },
    #[error("{path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

fn fmt_date(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_else(|_| d.to_string())
}

/// Writes `adressen.csv`, `bedrijven.csv`, `incidenten.csv`, `signalen.csv`
/// and `gemeenten.geojson` into `dir` (created if missing), with exactly the
/// columns of the gebiedsscan v1 input, so `buitenzicht scan` can run on the
/// demo. Coordinates are written with millimetre precision, which is the
/// precision they are generated with, so the files reproduce the data
/// exactly. The `kvk` column carries the 8-digit KvK number (unique per
/// establishment in the demo).
pub fn write_scan_input(data: &DemoData, dir: &Path) -> Result<(), WriteError> {
    fs::create_dir_all(dir).map_err(|source| WriteError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let code = &data.municipality.code;

    write_csv(
        &dir.join("adressen.csv"),
        &[
            "id",
            "x",
            "y",
            "gemeente",
            "gebruiksdoel",
            "oppervlakte",
            "bouwjaar",
            "status",
        ],
        data.addresses.iter().map(|a| {
            vec![
                a.id.clone(),
                format!("{:.3}", a.x),
                format!("{:.3}", a.y),
                code.clone(),
                a.gebruiksdoel.clone(),
                a.oppervlakte.to_string(),
                a.bouwjaar.to_string(),
                a.status.clone(),
            ]
        }),
    )?;

    write_csv(
        &dir.join("bedrijven.csv"),
        &["kvk", "adres_id", "sbi", "start", "einde"],
        data.businesses.iter().map(|b| {
            vec![
                b.kvk.clone(),
                b.adres_id.clone(),
                b.sbi.clone(),
                fmt_date(b.start),
                b.einde.map(fmt_date).unwrap_or_default(),
            ]
        }),
    )?;

    write_csv(
        &dir.join("incidenten.csv"),
        &["id", "x", "y", "datum", "soort"],
        data.incidents.iter().map(|i| {
            vec![
                i.id.clone(),
                format!("{:.3}", i.x),
                format!("{:.3}", i.y),
                fmt_date(i.datum),
                i.soort.as_str().to_string(),
            ]
        }),
    )?;

    write_csv(
        &dir.join("signalen.csv"),
        &["id", "x", "y", "datum", "categorie"],
        data.signals.iter().map(|s| {
            vec![
                s.id.clone(),
                format!("{:.3}", s.x),
                format!("{:.3}", s.y),
                fmt_date(s.datum),
                s.categorie.as_str().to_string(),
            ]
        }),
    )?;

    let path = dir.join("gemeenten.geojson");
    let geojson = municipalities_to_geojson(&[data.municipality.as_boundary()], Crs::Rd).map_err(
        |source| WriteError::Geo {
            path: path.clone(),
            source,
        },
    )?;
    let mut bytes = serde_json::to_vec(&geojson).map_err(|source| WriteError::Json {
        path: path.clone(),
        source,
    })?;
    bytes.push(b'\n');
    fs::write(&path, bytes).map_err(|source| WriteError::Io { path, source })?;
    Ok(())
}

fn write_csv<I>(path: &Path, header: &[&str], rows: I) -> Result<(), WriteError>
where
    I: Iterator<Item = Vec<String>>,
{
    let csv_err = |source| WriteError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(csv_err)?;
    w.write_record(header).map_err(csv_err)?;
    for row in rows {
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush().map_err(|source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(())
}
