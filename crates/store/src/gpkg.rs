//! Reading PDOK's BAG GeoPackage (`bag-light.gpkg`): a GeoPackage is an
//! SQLite database, so it is opened read-only through the same sqlx SQLite
//! driver as our own database. Only the `verblijfsobject` table is read (the
//! addresses of the gebiedsscan); its geometry blobs are decoded by
//! [`bz_bag::decode_gpkg_geometry`]. Every row is checked; problems name the
//! file, the table, the row (`fid`) and the column, and the whole file is
//! refused when there is any.

use crate::area::AddressRow;
use bz_bag::GpkgGeometry;
use futures_util::TryStreamExt;
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{ConnectOptions, Row};
use std::path::Path;

/// The table of addresses in `bag-light.gpkg`.
pub const TABLE: &str = "verblijfsobject";
/// RD New / Amersfoort, the only coordinate system the BAG uses.
const RD_NEW: i32 = 28992;
/// At most this many row problems are listed; the rest are counted.
pub const MAX_LISTED: usize = 50;

/// The columns read; all are required.
const COLUMNS: &[&str] = &[
    "identificatie",
    "status",
    "gebruiksdoel",
    "oppervlakte",
    "openbare_ruimte_naam",
    "huisnummer",
    "huisletter",
    "postcode",
    "woonplaats_naam",
    "bouwjaar",
    "bronhouder_identificatie",
    "geom",
];

/// One problem in the GeoPackage.
#[derive(Debug, Clone, PartialEq)]
pub struct GpkgProblem {
    /// The feature id (`fid`) of the row, or `None` for the file as a whole.
    pub fid: Option<i64>,
    /// The column at fault (`-` for the file).
    pub column: String,
    pub reason_nl: String,
    pub reason_en: String,
}

#[derive(Debug, thiserror::Error)]
pub enum GpkgError {
    #[error("{file}: cannot open as a GeoPackage: {source}")]
    Open { file: String, source: sqlx::Error },
    #[error("{file}: {}", .problems.first().map(|p| p.reason_en.as_str()).unwrap_or(""))]
    Invalid {
        file: String,
        problems: Vec<GpkgProblem>,
        /// Problems beyond the listed ones.
        more: usize,
    },
}

impl GpkgError {
    /// One line per problem, in Dutch (`nl`) or English, naming the file,
    /// table, row and column.
    pub fn lines(&self, nl: bool) -> Vec<String> {
        match self {
            GpkgError::Open { file, source } => vec![if nl {
                format!("{file}: kan niet als GeoPackage worden geopend: {source}")
            } else {
                format!("{file}: cannot open as a GeoPackage: {source}")
            }],
            GpkgError::Invalid {
                file,
                problems,
                more,
            } => {
                let mut out: Vec<String> = problems
                    .iter()
                    .map(|p| {
                        let reason = if nl { &p.reason_nl } else { &p.reason_en };
                        match p.fid {
                            Some(fid) if nl => format!(
                                "{file}, tabel {TABLE}, rij fid {fid}, kolom {}: {reason}",
                                p.column
                            ),
                            Some(fid) => format!(
                                "{file}, table {TABLE}, row fid {fid}, column {}: {reason}",
                                p.column
                            ),
                            None => format!("{file}: {reason}"),
                        }
                    })
                    .collect();
                if *more > 0 {
                    out.push(if nl {
                        format!("… en nog {more} fout(en)")
                    } else {
                        format!("… and {more} more error(s)")
                    });
                }
                out
            }
        }
    }
}

fn file_problem(file: &str, nl: String, en: String) -> GpkgError {
    GpkgError::Invalid {
        file: file.to_string(),
        problems: vec![GpkgProblem {
            fid: None,
            column: "-".into(),
            reason_nl: nl,
            reason_en: en,
        }],
        more: 0,
    }
}

/// Reads every address of the GeoPackage at `path` (`label` names it in
/// messages). `source` is stored with each row. `progress` is called with the
/// number of rows read so far, every 10 000 rows.
pub async fn read_addresses(
    path: &Path,
    label: &str,
    source: &str,
    mut progress: impl FnMut(u64),
) -> Result<Vec<AddressRow>, GpkgError> {
    let open_err = |source| GpkgError::Open {
        file: label.to_string(),
        source,
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .map_err(open_err)?;

    let is_gpkg: Option<(String,)> = sqlx::query_as(
        "SELECT table_name FROM gpkg_contents WHERE table_name = ?1 AND data_type = 'features'",
    )
    .bind(TABLE)
    .fetch_optional(&mut conn)
    .await
    .map_err(|_| {
        file_problem(
            label,
            "geen GeoPackage: de tabel gpkg_contents ontbreekt".into(),
            "not a GeoPackage: the gpkg_contents table is missing".into(),
        )
    })?;
    if is_gpkg.is_none() {
        return Err(file_problem(
            label,
            format!("de GeoPackage heeft geen featuretabel {TABLE} (is dit bag-light.gpkg?)"),
            format!("the GeoPackage has no feature table {TABLE} (is this bag-light.gpkg?)"),
        ));
    }
    let present: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?1)")
        .bind(TABLE)
        .fetch_all(&mut conn)
        .await
        .map_err(open_err)?;
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !present.iter().any(|p| p == c))
        .collect();
    if !missing.is_empty() {
        return Err(file_problem(
            label,
            format!(
                "tabel {TABLE}: kolom(men) ontbreken: {} (gevonden: {})",
                missing.join(", "),
                present.join(", ")
            ),
            format!(
                "table {TABLE}: missing column(s): {} (found: {})",
                missing.join(", "),
                present.join(", ")
            ),
        ));
    }

    // Every column as text (except the blob), so that values of any stored
    // type are checked here instead of being coerced silently.
    let sql = format!(
        "SELECT fid, CAST(identificatie AS TEXT), CAST(status AS TEXT), CAST(gebruiksdoel AS TEXT), \
         CAST(oppervlakte AS TEXT), CAST(openbare_ruimte_naam AS TEXT), CAST(huisnummer AS TEXT), \
         CAST(huisletter AS TEXT), CAST(postcode AS TEXT), CAST(woonplaats_naam AS TEXT), \
         CAST(bouwjaar AS TEXT), CAST(bronhouder_identificatie AS TEXT), geom FROM {TABLE} ORDER BY fid"
    );
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut more = 0usize;
    let mut seen = std::collections::HashMap::new();
    // The only dynamic part is the constant table name.
    let mut stream = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut conn);
    let mut n: u64 = 0;
    while let Some(row) = stream.try_next().await.map_err(open_err)? {
        n += 1;
        if n.is_multiple_of(10_000) {
            progress(n);
        }
        match address_of(&row, source) {
            Ok(a) => {
                let fid: i64 = row.try_get(0).unwrap_or(0);
                if let Some(first) = seen.insert(a.id.clone(), fid) {
                    push(
                        &mut problems,
                        &mut more,
                        GpkgProblem {
                            fid: Some(fid),
                            column: "identificatie".into(),
                            reason_nl: format!(
                                "identificatie {} komt dubbel voor (eerst in fid {first})",
                                a.id
                            ),
                            reason_en: format!(
                                "duplicate identificatie {} (first in fid {first})",
                                a.id
                            ),
                        },
                    );
                } else {
                    rows.push(a);
                }
            }
            Err(p) => push(&mut problems, &mut more, p),
        }
    }
    progress(n);
    if !problems.is_empty() {
        return Err(GpkgError::Invalid {
            file: label.to_string(),
            problems,
            more,
        });
    }
    if rows.is_empty() {
        return Err(file_problem(
            label,
            format!("tabel {TABLE} is leeg"),
            format!("table {TABLE} is empty"),
        ));
    }
    Ok(rows)
}

fn push(problems: &mut Vec<GpkgProblem>, more: &mut usize, p: GpkgProblem) {
    if problems.len() < MAX_LISTED {
        problems.push(p);
    } else {
        *more += 1;
    }
}

fn address_of(row: &SqliteRow, source: &str) -> Result<AddressRow, GpkgProblem> {
    let fid: i64 = row.try_get(0).unwrap_or(0);
    let problem = |column: &str, nl: String, en: String| GpkgProblem {
        fid: Some(fid),
        column: column.to_string(),
        reason_nl: nl,
        reason_en: en,
    };
    let text = |i: usize| -> Option<String> {
        row.try_get::<Option<String>, _>(i)
            .ok()
            .flatten()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let int = |i: usize, column: &str, required: bool| -> Result<Option<i64>, GpkgProblem> {
        match text(i) {
            None if required => Err(problem(
                column,
                "waarde ontbreekt".into(),
                "value missing".into(),
            )),
            None => Ok(None),
            Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
                problem(
                    column,
                    format!("{s:?} is geen geheel getal"),
                    format!("{s:?} is not a whole number"),
                )
            }),
        }
    };

    let id = text(1).ok_or_else(|| {
        problem(
            "identificatie",
            "identificatie ontbreekt".into(),
            "identificatie missing".into(),
        )
    })?;
    if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(problem(
            "identificatie",
            format!("{id:?} is geen BAG-identificatie van 16 cijfers"),
            format!("{id:?} is not a 16-digit BAG identifier"),
        ));
    }
    let status = text(2)
        .ok_or_else(|| problem("status", "status ontbreekt".into(), "status missing".into()))?;
    let gebruiksdoel = text(3)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(";");
    let oppervlakte = int(4, "oppervlakte", false)?.unwrap_or(0);
    let huisnummer = int(6, "huisnummer", false)?.unwrap_or(0);
    let bouwjaar = int(10, "bouwjaar", false)?;
    let gemeente = match text(11) {
        Some(g) if g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit()) => format!("GM{g}"),
        Some(g) => {
            return Err(problem(
                "bronhouder_identificatie",
                format!("{g:?} is geen gemeentecode van 4 cijfers"),
                format!("{g:?} is not a 4-digit municipality code"),
            ));
        }
        None => {
            return Err(problem(
                "bronhouder_identificatie",
                "gemeentecode ontbreekt".into(),
                "municipality code missing".into(),
            ));
        }
    };
    let blob: Option<Vec<u8>> = row.try_get(12).ok().flatten();
    let blob = blob.ok_or_else(|| {
        problem(
            "geom",
            "geometrie ontbreekt".into(),
            "geometry missing".into(),
        )
    })?;
    let decoded = bz_bag::decode_gpkg_geometry(&blob)
        .map_err(|e| problem("geom", format!("ongeldige geometrie: {e}"), e.to_string()))?;
    if decoded.srs_id != RD_NEW {
        return Err(problem(
            "geom",
            format!(
                "coördinatenstelsel {} wordt niet ondersteund (verwacht RD New, 28992)",
                decoded.srs_id
            ),
            format!(
                "coordinate system {} is not supported (expected RD New, 28992)",
                decoded.srs_id
            ),
        ));
    }
    let (x, y) = match decoded.geometry {
        GpkgGeometry::Point(p) => (p.x, p.y),
        GpkgGeometry::Empty => {
            return Err(problem(
                "geom",
                "lege geometrie".into(),
                "empty geometry".into(),
            ));
        }
        GpkgGeometry::Polygons(_) => {
            return Err(problem(
                "geom",
                "verwacht een punt, gevonden een vlak".into(),
                "expected a point, found a polygon".into(),
            ));
        }
    };
    // RD New's Dutch domain (as the spec's CSV reader checks).
    if !(0.0..=300_000.0).contains(&x) || !(289_000.0..=629_000.0).contains(&y) {
        return Err(problem(
            "geom",
            format!("({x}, {y}) ligt buiten Nederland (RD New)"),
            format!("({x}, {y}) lies outside the Netherlands (RD New)"),
        ));
    }
    Ok(AddressRow {
        id,
        x,
        y,
        gemeente_code: gemeente,
        straat: text(5).unwrap_or_default(),
        huisnummer,
        huisletter: text(7),
        postcode: text(8).map(|p| p.replace(' ', "")),
        woonplaats: text(9).unwrap_or_default(),
        gebruiksdoel,
        oppervlakte,
        bouwjaar,
        status,
        source: source.to_string(),
    })
}
