//! Reading the five input files and writing the three output files of
//! `gebiedsscan-v1.md`. Input errors name the file, the line, the column and
//! the reason, in English (`Display`) and in Dutch ([`ScanError::message_nl`]);
//! a file's row errors are collected (the first 50 listed, the rest counted),
//! errors about a whole file stop at once.
//!
//! All five input files are required (the spec lists them as the input
//! directory and gives none a default); a file with only its header line is
//! an empty list. Columns are found by name, in any order; extra columns are
//! ignored; values are trimmed of surrounding whitespace; a UTF-8 byte order
//! mark is skipped.

use crate::columns::*;
use crate::model::*;
use crate::read::{self, Rec, Rows};
use rayon::prelude::*;
use std::fmt;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use time::Date;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    /// A problem at one place in an input file.
    #[error("{}, line {line}, column {column}: {problem}", file.display())]
    Field {
        file: PathBuf,
        /// 1-based line number (the header is line 1).
        line: u64,
        /// The column's name (`-` where no column applies).
        column: String,
        problem: Problem,
    },
    /// A problem with a whole file (the municipality GeoJSON).
    #[error("{}: {reason}", file.display())]
    File { file: PathBuf, reason: String },
    #[error("{}: cannot write: {source}", file.display())]
    Write {
        file: PathBuf,
        source: std::io::Error,
    },
    /// Errors in rows of one file: the first [`MAX_REPORTED_ERRORS`], and
    /// how many more there are.
    #[error("{}", rows_message(file, errors, *more, false))]
    Rows {
        file: PathBuf,
        errors: Vec<ScanError>,
        more: usize,
    },
}

/// What is wrong with a field or line of an input file.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The bytes are not UTF-8 text.
    NotUtf8,
    /// The header has one column holding this other delimiter.
    WrongDelimiter(char),
    /// A required column is missing; the header's columns.
    MissingColumn {
        found: Vec<String>,
    },
    /// A line with another number of fields than the header.
    FieldCount {
        expected: u64,
        found: u64,
    },
    /// Some other CSV syntax error.
    Csv(String),
    NotANumber(String),
    NotAnInteger(String),
    NotADate(String),
    /// A coordinate pair outside RD New's Dutch domain.
    OutsideNetherlands {
        x: f64,
        y: f64,
    },
    EmptyId,
    DuplicateId {
        id: String,
        first_line: u64,
    },
    NotAnSbiCode(String),
    UnknownSoort(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotUtf8 => write!(f, "not valid UTF-8 text (save the file as UTF-8)"),
            Problem::WrongDelimiter(c) => write!(
                f,
                "wrong delimiter: the file uses {c:?}, the format requires ','"
            ),
            Problem::MissingColumn { found } => {
                write!(f, "missing column (found: {})", found.join(", "))
            }
            Problem::FieldCount { expected, found } => {
                write!(f, "{found} fields, the header has {expected}")
            }
            Problem::Csv(e) => write!(f, "not valid CSV: {e}"),
            Problem::NotANumber(s) => write!(f, "{s:?} is not a number"),
            Problem::NotAnInteger(s) => write!(f, "{s:?} is not a whole number"),
            Problem::NotADate(s) => write!(f, "{s:?} is not a date YYYY-MM-DD"),
            Problem::OutsideNetherlands { x, y } => {
                write!(f, "({x}, {y}) lies outside the Netherlands (RD New)")
            }
            Problem::EmptyId => write!(f, "empty id"),
            Problem::DuplicateId { id, first_line } => {
                write!(f, "duplicate id {id:?} (first on line {first_line})")
            }
            Problem::NotAnSbiCode(s) => write!(f, "{s:?} is not an SBI code without dots"),
            Problem::UnknownSoort(s) => write!(
                f,
                "{s:?} is not one of hennepkwekerij, drugslab, drugsafval, opslag"
            ),
        }
    }
}

impl Problem {
    /// The problem in Dutch.
    pub fn message_nl(&self) -> String {
        match self {
            Problem::NotUtf8 => "geen geldige UTF-8-tekst (sla het bestand op als UTF-8)".into(),
            Problem::WrongDelimiter(c) => {
                format!(
                    "verkeerd scheidingsteken: het bestand gebruikt {c:?}, het formaat vraagt ','"
                )
            }
            Problem::MissingColumn { found } => {
                format!("kolom ontbreekt (gevonden: {})", found.join(", "))
            }
            Problem::FieldCount { expected, found } => {
                format!("{found} velden, de kopregel heeft er {expected}")
            }
            Problem::Csv(e) => format!("geen geldige CSV: {e}"),
            Problem::NotANumber(s) => format!("{s:?} is geen getal"),
            Problem::NotAnInteger(s) => format!("{s:?} is geen geheel getal"),
            Problem::NotADate(s) => format!("{s:?} is geen datum JJJJ-MM-DD"),
            Problem::OutsideNetherlands { x, y } => {
                format!("({x}, {y}) ligt buiten Nederland (RD New)")
            }
            Problem::EmptyId => "lege id".into(),
            Problem::DuplicateId { id, first_line } => {
                format!("dubbele id {id:?} (eerst op regel {first_line})")
            }
            Problem::NotAnSbiCode(s) => format!("{s:?} is geen SBI-code zonder punten"),
            Problem::UnknownSoort(s) => {
                format!("{s:?} is niet een van hennepkwekerij, drugslab, drugsafval, opslag")
            }
        }
    }
}

impl ScanError {
    /// The same error in Dutch, for people.
    pub fn message_nl(&self) -> String {
        match self {
            ScanError::Read { file, source } => {
                format!("{}: kan niet worden gelezen: {source}", file.display())
            }
            ScanError::Field {
                file,
                line,
                column,
                problem,
            } => format!(
                "{}, regel {line}, kolom {column}: {}",
                file.display(),
                problem.message_nl()
            ),
            ScanError::File { file, reason } => format!("{}: {reason}", file.display()),
            ScanError::Write { file, source } => {
                format!("{}: kan niet worden geschreven: {source}", file.display())
            }
            ScanError::Rows { file, errors, more } => rows_message(file, errors, *more, true),
        }
    }
}

/// At most this many row errors are reported per file; the rest are counted.
pub const MAX_REPORTED_ERRORS: usize = 50;

fn rows_message(file: &Path, errors: &[ScanError], more: usize, nl: bool) -> String {
    let total = errors.len() + more;
    let mut s = match (nl, total) {
        (false, 1) => format!("{}: 1 error", file.display()),
        (false, _) => format!("{}: {total} errors", file.display()),
        (true, 1) => format!("{}: 1 fout", file.display()),
        (true, _) => format!("{}: {total} fouten", file.display()),
    };
    for e in errors {
        s.push_str("\n  ");
        s.push_str(&if nl { e.message_nl() } else { e.to_string() });
    }
    if more > 0 {
        s.push_str(&if nl {
            format!("\n  … en nog {more} fouten")
        } else {
            format!("\n  … and {more} more errors")
        });
    }
    s
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<Date> {
    // The common form directly (what `Date::parse` gives for it).
    let b = s.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
    {
        let d = |i: usize| i32::from(b[i] - b'0');
        let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
        let month = time::Month::try_from((d(5) * 10 + d(6)) as u8).ok()?;
        return Date::from_calendar_date(year, month, (d(8) * 10 + d(9)) as u8).ok();
    }
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

const ADDRESS_COLUMNS: &[&str] = &[
    "id",
    "x",
    "y",
    "gemeente",
    "gebruiksdoel",
    "oppervlakte",
    "bouwjaar",
    "status",
];
const BUSINESS_COLUMNS: &[&str] = &["kvk", "adres_id", "sbi", "start", "einde"];
const INCIDENT_COLUMNS: &[&str] = &["id", "x", "y", "datum", "soort"];
const SIGNAL_COLUMNS: &[&str] = &["id", "x", "y", "datum", "categorie"];

fn address(r: &Rec) -> Result<Address, ScanError> {
    let (x, y) = r.point(1, 2)?;
    Ok(Address {
        id: r.get(0).to_string(),
        x,
        y,
        gemeente: r.get(3).to_string(),
        gebruiksdoel: r.get(4).to_string(),
        oppervlakte: r.int(5)?,
        bouwjaar: r.int(6)?,
        status: r.get(7).to_string(),
    })
}

fn business(r: &Rec) -> Result<Business, ScanError> {
    let sbi = crate::columns::check_sbi(r)?;
    Ok(Business {
        kvk: r.get(0).to_string(),
        adres_id: r.get(1).to_string(),
        sbi: sbi.to_string(),
        start: r.date(3)?,
        einde: crate::columns::einde(r)?,
    })
}

fn incident(r: &Rec) -> Result<Incident, ScanError> {
    let (x, y) = r.point(1, 2)?;
    let soort = r.get(4);
    if !["hennepkwekerij", "drugslab", "drugsafval", "opslag"].contains(&soort) {
        return Err(r.err(4, Problem::UnknownSoort(soort.into())));
    }
    Ok(Incident {
        id: r.get(0).to_string(),
        x,
        y,
        datum: r.date(3)?,
        soort: soort.to_string(),
    })
}

fn signal(r: &Rec) -> Result<Signal, ScanError> {
    let (x, y) = r.point(1, 2)?;
    Ok(Signal {
        id: r.get(0).to_string(),
        x,
        y,
        datum: r.date(3)?,
        categorie: r.get(4).to_string(),
    })
}

fn no_id<T>(_: &T) -> &str {
    ""
}

/// Read `adressen.csv`. Ids must be unique and non-empty; positions must be
/// finite and within RD New's Dutch domain (x 0..300000, y 289000..629000).
/// Row errors are collected (see [`ScanError::Rows`]).
pub fn read_addresses(path: &Path) -> Result<Vec<Address>, ScanError> {
    read::read(path, ADDRESS_COLUMNS, true, || {
        Rows::new(address, |a: &Address| &a.id)
    })
    .map(|r| r.rows)
}

/// Read `bedrijven.csv`. `einde` may be empty (still active); `sbi` must be
/// digits (SBI without dots). Row errors are collected.
pub fn read_businesses(path: &Path) -> Result<Vec<Business>, ScanError> {
    read::read(path, BUSINESS_COLUMNS, false, || Rows::new(business, no_id)).map(|r| r.rows)
}

/// Read `incidenten.csv`. Ids must be unique; `soort` one of the four kinds.
/// Row errors are collected.
pub fn read_incidents(path: &Path) -> Result<Vec<Incident>, ScanError> {
    read::read(path, INCIDENT_COLUMNS, true, || {
        Rows::new(incident, |i: &Incident| &i.id)
    })
    .map(|r| r.rows)
}

/// Read `signalen.csv`. Ids must be unique; every category counts. Row
/// errors are collected.
pub fn read_signals(path: &Path) -> Result<Vec<Signal>, ScanError> {
    read::read(path, SIGNAL_COLUMNS, true, || {
        Rows::new(signal, |s: &Signal| &s.id)
    })
    .map(|r| r.rows)
}

/// `adressen.csv` in columns, with the checks of [`read_addresses`].
pub fn read_address_columns(path: &Path) -> Result<AddressColumns, ScanError> {
    read::read(path, ADDRESS_COLUMNS, true, AddressColumns::default)
}

/// `bedrijven.csv` in columns, with the checks of [`read_businesses`].
pub fn read_business_columns(path: &Path) -> Result<BusinessColumns, ScanError> {
    read::read(path, BUSINESS_COLUMNS, false, BusinessColumns::default)
}

/// Read `gemeenten.geojson` (RD New; `statcode`, `statnaam`). An empty
/// FeatureCollection gives no municipalities.
pub fn read_municipalities(path: &Path) -> Result<Vec<Municipality>, ScanError> {
    let bytes = std::fs::read(path).map_err(|source| ScanError::Read {
        file: path.to_path_buf(),
        source,
    })?;
    let opts = bz_geo::ParseOptions {
        crs: Some(bz_geo::Crs::Rd),
        ..Default::default()
    };
    let parsed =
        match bz_geo::parse_municipalities_geojson(&bytes, &path.display().to_string(), &opts) {
            Ok(ms) => ms,
            Err(e) => {
                // bz_geo refuses a collection without features; the scan accepts it.
                let empty = serde_json::from_slice::<serde_json::Value>(
                    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes),
                )
                .ok()
                .is_some_and(|v| {
                    v.get("type").and_then(|t| t.as_str()) == Some("FeatureCollection")
                        && v.get("features")
                            .and_then(|f| f.as_array())
                            .is_some_and(|f| f.is_empty())
                });
                if empty {
                    return Ok(Vec::new());
                }
                // bz_geo's message already names the file.
                let reason = e.to_string();
                let prefix = format!("{}: ", path.display());
                return Err(ScanError::File {
                    file: path.to_path_buf(),
                    reason: reason.strip_prefix(&prefix).unwrap_or(&reason).to_string(),
                });
            }
        };
    Ok(parsed
        .into_iter()
        .map(|m| Municipality {
            statcode: m.code,
            statnaam: m.name,
            polygons: m
                .multipolygon_rd
                .polygons()
                .iter()
                .map(|p| {
                    p.rings()
                        .iter()
                        .map(|r| r.iter().map(|pt| [pt.x, pt.y]).collect())
                        .collect()
                })
                .collect(),
        })
        .collect())
}

/// Read the input directory of the spec: all five files are required. The
/// files are read at the same time; an error is that of the first failing
/// file in the order adressen, bedrijven, incidenten, signalen, gemeenten.
pub fn read_input_dir(dir: &Path) -> Result<ScanInput, ScanError> {
    let ((addresses, businesses), (incidents, (signals, municipalities))) = rayon::join(
        || {
            rayon::join(
                || read_addresses(&dir.join("adressen.csv")),
                || read_businesses(&dir.join("bedrijven.csv")),
            )
        },
        || {
            rayon::join(
                || read_incidents(&dir.join("incidenten.csv")),
                || {
                    rayon::join(
                        || read_signals(&dir.join("signalen.csv")),
                        || read_municipalities(&dir.join("gemeenten.geojson")),
                    )
                },
            )
        },
    );
    Ok(ScanInput {
        addresses: addresses?,
        businesses: businesses?,
        incidents: incidents?,
        signals: signals?,
        municipalities: municipalities?,
    })
}

/// [`read_input_dir`] in the compact form the file scan runs on (the same
/// checks and errors).
pub fn read_input_columns(dir: &Path) -> Result<ColumnInput, ScanError> {
    let ((addresses, businesses), (incidents, (signals, municipalities))) = rayon::join(
        || {
            rayon::join(
                || read_address_columns(&dir.join("adressen.csv")),
                || read_business_columns(&dir.join("bedrijven.csv")),
            )
        },
        || {
            rayon::join(
                || read_incidents(&dir.join("incidenten.csv")),
                || {
                    rayon::join(
                        || read_signals(&dir.join("signalen.csv")),
                        || read_municipalities(&dir.join("gemeenten.geojson")),
                    )
                },
            )
        },
    );
    Ok(ColumnInput {
        addresses: addresses?,
        businesses: businesses?,
        incidents: incidents?,
        signals: signals?,
        municipalities: municipalities?,
    })
}

/// Write `input` as an input directory of the spec (the five files), e.g.
/// synthetic data to run other implementations (PostGIS, GeoPandas) on.
/// Numbers are written in their shortest exact decimal form, so reading the
/// directory back gives `input` exactly.
pub fn write_input_dir(input: &ScanInput, dir: &Path) -> Result<(), ScanError> {
    std::fs::create_dir_all(dir).map_err(|source| ScanError::Write {
        file: dir.to_path_buf(),
        source,
    })?;
    write_csv(
        dir,
        "adressen.csv",
        "id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,status",
        &input.addresses,
        |a| {
            format!(
                "{},{},{},{},{},{},{},{}\n",
                text(&a.id),
                a.x,
                a.y,
                text(&a.gemeente),
                text(&a.gebruiksdoel),
                a.oppervlakte,
                a.bouwjaar,
                text(&a.status)
            )
        },
    )?;
    write_csv(
        dir,
        "bedrijven.csv",
        "kvk,adres_id,sbi,start,einde",
        &input.businesses,
        |b| {
            let einde = b.einde.map(|d| d.to_string()).unwrap_or_default();
            format!(
                "{},{},{},{},{einde}\n",
                text(&b.kvk),
                text(&b.adres_id),
                text(&b.sbi),
                b.start
            )
        },
    )?;
    write_csv(
        dir,
        "incidenten.csv",
        "id,x,y,datum,soort",
        &input.incidents,
        |i| {
            format!(
                "{},{},{},{},{}\n",
                text(&i.id),
                i.x,
                i.y,
                i.datum,
                text(&i.soort)
            )
        },
    )?;
    write_csv(
        dir,
        "signalen.csv",
        "id,x,y,datum,categorie",
        &input.signals,
        |s| {
            format!(
                "{},{},{},{},{}\n",
                text(&s.id),
                s.x,
                s.y,
                s.datum,
                text(&s.categorie)
            )
        },
    )?;
    let features: Vec<serde_json::Value> = input
        .municipalities
        .iter()
        .map(|m| {
            serde_json::json!({
                "type": "Feature",
                "properties": {"statcode": m.statcode, "statnaam": m.statnaam},
                "geometry": {"type": "MultiPolygon", "coordinates": m.polygons},
            })
        })
        .collect();
    let fc = serde_json::json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    });
    let path = dir.join("gemeenten.geojson");
    std::fs::write(&path, fc.to_string()).map_err(|source| ScanError::Write { file: path, source })
}

fn b(v: bool) -> &'static str {
    if v { "1" } else { "0" }
}

/// A text field for CSV: as is, or quoted (RFC 4180) when it holds a comma,
/// a quote or a line break. Spec ids and codes never need quoting.
fn text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

pub const ADDRESS_HEADER: &str = "id,oad,buitengebied,incidenten_1km_5j,signalen_500m_2j,isolatie_m,agrarisch_gestopt,groot_bedrijfspand,buiten_gebruik,score,klasse";
pub const MUNICIPALITY_HEADER: &str =
    "statcode,adressen,buitengebied,hoog,midden,laag,incidenten_5j,gemiddelde_score";
pub const SQUARE_HEADER: &str = "vierkant,adressen,buitengebied,hoog,gemiddelde_score";

/// One line of `adressen_scan.csv` (with its line feed). Floats with 9
/// decimals, rounded correctly (as Rust's `{:.9}`).
pub fn address_line(r: &AddressResult) -> String {
    let mut s = String::with_capacity(96);
    push_address(
        &mut s,
        &r.id,
        r.oad,
        r.buitengebied,
        r.incidenten_1km_5j,
        r.signalen_500m_2j,
        r.isolatie_m,
        r.agrarisch_gestopt,
        r.groot_bedrijfspand,
        r.buiten_gebruik,
        r.score,
        r.klasse,
    );
    s
}

/// [`address_line`] of a compact result with its id.
fn push_scored(s: &mut String, id: &str, r: &Scored) {
    push_address(
        s,
        id,
        r.oad(),
        r.buitengebied(),
        r.incidenten_1km_5j,
        r.signalen_500m_2j,
        r.isolatie_m,
        r.agrarisch_gestopt(),
        r.groot_bedrijfspand(),
        r.buiten_gebruik(),
        r.score,
        r.klasse,
    );
}

#[allow(clippy::too_many_arguments)]
fn push_address(
    s: &mut String,
    id: &str,
    oad: f64,
    buitengebied: bool,
    incidents: u32,
    signals: u32,
    isolatie_m: f64,
    agrarisch_gestopt: bool,
    groot_bedrijfspand: bool,
    buiten_gebruik: bool,
    score: f64,
    klasse: Klasse,
) {
    let mut ints = itoa::Buffer::new();
    s.push_str(&text(id));
    s.push(',');
    push_fixed9(s, oad);
    s.push(',');
    s.push_str(b(buitengebied));
    s.push(',');
    s.push_str(ints.format(incidents));
    s.push(',');
    s.push_str(ints.format(signals));
    s.push(',');
    push_fixed9(s, isolatie_m);
    s.push(',');
    s.push_str(b(agrarisch_gestopt));
    s.push(',');
    s.push_str(b(groot_bedrijfspand));
    s.push(',');
    s.push_str(b(buiten_gebruik));
    s.push(',');
    push_fixed9(s, score);
    s.push(',');
    s.push_str(klasse.as_str());
    s.push('\n');
}

/// Append `format!("{v:.9}")`: the exact decimal value of `v` rounded to 9
/// decimals, ties to even. Non-negative finite values below 2^53 are done in
/// integer arithmetic: `v = m * 2^e` exactly, so `v * 10^9 = m * 10^9 * 2^e`
/// with `m * 10^9 < 2^83`, shifted right with the rounding of the bits
/// shifted out; anything else goes through `format!`.
pub(crate) fn push_fixed9(s: &mut String, v: f64) {
    use std::fmt::Write as _;
    if !(v.is_sign_positive() && v < 9_007_199_254_740_992.0) {
        let _ = write!(s, "{v:.9}");
        return;
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp - 1075)
    };
    let p = u128::from(m) * 1_000_000_000;
    let q: u128 = if e >= 0 {
        p << e
    } else if e < -100 {
        // p < 2^83: below one half, rounds to 0.
        0
    } else {
        let sh = (-e) as u32;
        let q = p >> sh;
        let rem = p & ((1u128 << sh) - 1);
        let half = 1u128 << (sh - 1);
        if rem > half || (rem == half && q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    // Division by a constant is a multiplication for u64, a library call
    // for u128: take the narrow path whenever the value fits.
    let mut ints = itoa::Buffer::new();
    let dec = match u64::try_from(q) {
        Ok(q) => {
            s.push_str(ints.format(q / 1_000_000_000));
            (q % 1_000_000_000) as u32
        }
        Err(_) => {
            s.push_str(ints.format(q / 1_000_000_000));
            (q % 1_000_000_000) as u32
        }
    };
    s.push('.');
    let mut digits = [b'0'; 9];
    let mut d = dec;
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (d % 10) as u8;
        d /= 10;
    }
    s.push_str(std::str::from_utf8(&digits).unwrap_or("000000000"));
}

/// One line of `gemeenten_scan.csv`.
pub fn municipality_line(m: &MunicipalityResult) -> String {
    format!(
        "{},{},{},{},{},{},{},{:.9}\n",
        text(&m.statcode),
        m.adressen,
        m.buitengebied,
        m.hoog,
        m.midden,
        m.laag,
        m.incidenten_5j,
        m.gemiddelde_score
    )
}

/// One line of `vierkanten_scan.csv`.
pub fn square_line(q: &SquareResult) -> String {
    format!(
        "{},{},{},{},{:.9}\n",
        q.vierkant, q.adressen, q.buitengebied, q.hoog, q.gemiddelde_score
    )
}

/// Lines per batch of [`write_rows`].
const WRITE_BATCH: usize = 1 << 17;

/// Write `header` and then `line(i, …)` for rows `0..n`: batches formatted
/// in parallel, each written while the next is formatted, one write per
/// batch.
fn write_rows(
    dir: &Path,
    name: &str,
    header: &str,
    n: usize,
    line: impl Fn(usize, &mut String) + Sync,
) -> Result<(), ScanError> {
    let path = dir.join(name);
    let werr = |source| ScanError::Write {
        file: path.clone(),
        source,
    };
    let mut f = File::create(&path).map_err(werr)?;
    let format = |from: usize| -> Vec<String> {
        let to = (from + WRITE_BATCH).min(n);
        const LINES: usize = 2048;
        (0..(to - from).div_ceil(LINES))
            .into_par_iter()
            .map(|c| {
                let a = from + c * LINES;
                let b = (a + LINES).min(to);
                let mut s = String::with_capacity((b - a) * 96);
                for i in a..b {
                    line(i, &mut s);
                }
                s
            })
            .collect::<Vec<String>>()
    };
    // Write the parts one after the other (no copy into one buffer) while
    // the next batch is formatted.
    let write = |f: &mut File, parts: &[String]| -> std::io::Result<()> {
        for p in parts {
            f.write_all(p.as_bytes())?;
        }
        Ok(())
    };
    let mut pending = vec![format!("{header}\n")];
    let mut from = 0;
    while from < n {
        let (written, next) = rayon::join(|| write(&mut f, &pending), || format(from));
        written.map_err(werr)?;
        pending = next;
        from += WRITE_BATCH;
    }
    write(&mut f, &pending).map_err(werr)?;
    f.flush().map_err(werr)
}

/// Write `header` and then `line(row)` for all rows.
fn write_csv<T: Sync>(
    dir: &Path,
    name: &str,
    header: &str,
    rows: &[T],
    line: impl Fn(&T) -> String + Sync,
) -> Result<(), ScanError> {
    write_rows(dir, name, header, rows.len(), |i, s| {
        s.push_str(&line(&rows[i]))
    })
}

/// Write the three output files of the spec into `dir` (created if needed).
pub fn write_output_dir(out: &ScanOutput, dir: &Path) -> Result<(), ScanError> {
    create_dir(dir)?;
    write_rows(
        dir,
        "adressen_scan.csv",
        ADDRESS_HEADER,
        out.addresses.len(),
        |i, s| s.push_str(&address_line(&out.addresses[i])),
    )?;
    write_aggregates(&out.municipalities, &out.squares, dir)
}

/// [`write_output_dir`] for the compact output of
/// [`crate::engine::scan_columns`]; `ids` are the addresses' ids
/// ([`AddressColumns::ids`]). The same bytes.
pub fn write_output_columns(ids: &Strs, out: &ColumnOutput, dir: &Path) -> Result<(), ScanError> {
    create_dir(dir)?;
    write_rows(
        dir,
        "adressen_scan.csv",
        ADDRESS_HEADER,
        out.addresses.len(),
        |i, s| push_scored(s, ids.get(i), &out.addresses[i]),
    )?;
    write_aggregates(&out.municipalities, &out.squares, dir)
}

fn create_dir(dir: &Path) -> Result<(), ScanError> {
    std::fs::create_dir_all(dir).map_err(|source| ScanError::Write {
        file: dir.to_path_buf(),
        source,
    })
}

fn write_aggregates(
    municipalities: &[MunicipalityResult],
    squares: &[SquareResult],
    dir: &Path,
) -> Result<(), ScanError> {
    write_rows(
        dir,
        "gemeenten_scan.csv",
        MUNICIPALITY_HEADER,
        municipalities.len(),
        |i, s| s.push_str(&municipality_line(&municipalities[i])),
    )?;
    write_rows(
        dir,
        "vierkanten_scan.csv",
        SQUARE_HEADER,
        squares.len(),
        |i, s| {
            let q = &squares[i];
            s.push_str(&q.vierkant);
            for v in [q.adressen, q.buitengebied, q.hoog] {
                s.push(',');
                s.push_str(itoa::Buffer::new().format(v));
            }
            s.push(',');
            push_fixed9(s, q.gemiddelde_score);
            s.push('\n');
        },
    )
}

/// What `run_dir` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanSummary {
    pub addresses: usize,
    pub hoog: usize,
    pub midden: usize,
    pub laag: usize,
    pub municipalities: usize,
    pub squares: usize,
}

impl ScanSummary {
    pub fn of(out: &ScanOutput) -> ScanSummary {
        let count = |k: Klasse| out.addresses.iter().filter(|r| r.klasse == k).count();
        ScanSummary {
            addresses: out.addresses.len(),
            hoog: count(Klasse::Hoog),
            midden: count(Klasse::Midden),
            laag: count(Klasse::Laag),
            municipalities: out.municipalities.len(),
            squares: out.squares.len(),
        }
    }

    pub fn of_columns(out: &ColumnOutput) -> ScanSummary {
        let count = |k: Klasse| out.addresses.iter().filter(|r| r.klasse == k).count();
        ScanSummary {
            addresses: out.addresses.len(),
            hoog: count(Klasse::Hoog),
            midden: count(Klasse::Midden),
            laag: count(Klasse::Laag),
            municipalities: out.municipalities.len(),
            squares: out.squares.len(),
        }
    }
}

/// Read `input`, scan at `peildatum`, write `output` (in the compact form:
/// [`read_input_columns`], [`crate::engine::scan_columns`],
/// [`write_output_columns`]).
pub fn run_dir(input: &Path, peildatum: Date, output: &Path) -> Result<ScanSummary, ScanError> {
    run_dir_timed(input, peildatum, output).map(|(summary, _)| summary)
}

/// Seconds spent in the stages of [`run_dir_timed`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunTimings {
    pub read_secs: f64,
    /// The engine, by phase.
    pub scan: crate::engine::Timings,
    pub scan_secs: f64,
    pub write_secs: f64,
}

/// [`run_dir`], with the time each stage took (for benchmarks).
pub fn run_dir_timed(
    input: &Path,
    peildatum: Date,
    output: &Path,
) -> Result<(ScanSummary, RunTimings), ScanError> {
    let mut t = RunTimings::default();
    let clock = std::time::Instant::now();
    let mut data = read_input_columns(input)?;
    t.read_secs = clock.elapsed().as_secs_f64();
    let clock = std::time::Instant::now();
    let (out, phases) = crate::engine::scan_columns(&data, peildatum);
    (t.scan, t.scan_secs) = (phases, clock.elapsed().as_secs_f64());
    let clock = std::time::Instant::now();
    // Only the ids are needed from here on.
    let ids = std::mem::take(&mut data.addresses.ids);
    drop(data);
    write_output_columns(&ids, &out, output)?;
    t.write_secs = clock.elapsed().as_secs_f64();
    Ok((ScanSummary::of_columns(&out), t))
}
