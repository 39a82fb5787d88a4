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

use crate::model::*;
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::io::{BufReader, BufWriter, Write};
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

/// Collects the row errors of one file: the first [`MAX_REPORTED_ERRORS`]
/// are kept, the rest counted. Errors about the file as a whole (it cannot
/// be read, a column is missing) stop reading at once.
struct Collector {
    file: PathBuf,
    errors: Vec<ScanError>,
    more: usize,
}

impl Collector {
    fn new(file: &Path) -> Collector {
        Collector {
            file: file.to_path_buf(),
            errors: Vec::new(),
            more: 0,
        }
    }

    fn add(&mut self, e: ScanError) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(e);
        } else {
            self.more += 1;
        }
    }

    fn finish<T>(self, v: T) -> Result<T, ScanError> {
        if self.errors.is_empty() {
            Ok(v)
        } else {
            Err(ScanError::Rows {
                file: self.file,
                errors: self.errors,
                more: self.more,
            })
        }
    }
}

/// A CSV file read record by record, its required columns found by name.
struct Table<'a> {
    file: &'a Path,
    rdr: csv::Reader<BufReader<File>>,
    names: &'static [&'static str],
    /// Field index of each required column.
    cols: Vec<usize>,
    /// All header names (for naming a column in a UTF-8 error).
    header: Vec<String>,
    rec: csv::StringRecord,
    line: u64,
}

impl<'a> Table<'a> {
    fn open(file: &'a Path, names: &'static [&'static str]) -> Result<Table<'a>, ScanError> {
        let f = File::open(file).map_err(|source| ScanError::Read {
            file: file.to_path_buf(),
            source,
        })?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(BufReader::with_capacity(1 << 20, f));
        let header: Vec<String> = match rdr.headers() {
            Ok(h) => h
                .iter()
                .map(|c| c.trim_start_matches('\u{feff}').trim().to_string())
                .collect(),
            Err(e) => return Err(csv_error(file, &[], e)),
        };
        if header.len() == 1 {
            for c in [';', '\t', '|'] {
                if header[0].contains(c) {
                    return Err(field_err(file, 1, "-", Problem::WrongDelimiter(c)));
                }
            }
        }
        let mut cols = Vec::with_capacity(names.len());
        for &n in names {
            match header.iter().position(|h| h == n) {
                Some(i) => cols.push(i),
                None => {
                    return Err(field_err(
                        file,
                        1,
                        n,
                        Problem::MissingColumn {
                            found: header.clone(),
                        },
                    ));
                }
            }
        }
        Ok(Table {
            file,
            rdr,
            names,
            cols,
            header,
            rec: csv::StringRecord::new(),
            line: 1,
        })
    }

    /// The next record; `false` at the end. A record that is not valid
    /// (wrong number of fields, not UTF-8) goes to `errs` and is skipped.
    fn next(&mut self, errs: &mut Collector) -> Result<bool, ScanError> {
        loop {
            match self.rdr.read_record(&mut self.rec) {
                Ok(false) => return Ok(false),
                Ok(true) => {
                    self.line = self.rec.position().map_or(self.line + 1, |p| p.line());
                    return Ok(true);
                }
                Err(e) => {
                    let recoverable = matches!(
                        e.kind(),
                        csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                    );
                    let e = csv_error(self.file, &self.header, e);
                    if !recoverable {
                        return Err(e);
                    }
                    errs.add(e);
                }
            }
        }
    }

    /// Required column `k` of the current record, trimmed.
    fn get(&self, k: usize) -> &str {
        self.rec.get(self.cols[k]).unwrap_or("").trim()
    }

    fn err(&self, k: usize, problem: Problem) -> ScanError {
        field_err(self.file, self.line, self.names[k], problem)
    }

    fn f64(&self, k: usize) -> Result<f64, ScanError> {
        let s = self.get(k);
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.err(k, Problem::NotANumber(s.into()))),
        }
    }

    fn int<T: std::str::FromStr>(&self, k: usize) -> Result<T, ScanError> {
        let s = self.get(k);
        s.parse::<T>()
            .map_err(|_| self.err(k, Problem::NotAnInteger(s.into())))
    }

    fn date(&self, k: usize) -> Result<Date, ScanError> {
        let s = self.get(k);
        parse_date(s).ok_or_else(|| self.err(k, Problem::NotADate(s.into())))
    }

    /// Columns `kx` and `ky` as an RD New position in the Netherlands.
    fn point(&self, kx: usize, ky: usize) -> Result<(f64, f64), ScanError> {
        let x = self.f64(kx)?;
        let y = self.f64(ky)?;
        if !(0.0..=300_000.0).contains(&x) || !(289_000.0..=629_000.0).contains(&y) {
            return Err(field_err(
                self.file,
                self.line,
                &format!("{},{}", self.names[kx], self.names[ky]),
                Problem::OutsideNetherlands { x, y },
            ));
        }
        Ok((x, y))
    }
}

fn field_err(file: &Path, line: u64, column: &str, problem: Problem) -> ScanError {
    ScanError::Field {
        file: file.to_path_buf(),
        line,
        column: column.to_string(),
        problem,
    }
}

fn csv_error(file: &Path, header: &[String], e: csv::Error) -> ScanError {
    let line = e.position().map_or(1, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            let column = header.get(err.field()).map_or("-", String::as_str);
            field_err(file, line, column, Problem::NotUtf8)
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => field_err(
            file,
            line,
            "-",
            Problem::FieldCount {
                expected: expected_len,
                found: len,
            },
        ),
        csv::ErrorKind::Io(source) => ScanError::Read {
            file: file.to_path_buf(),
            source,
        },
        other => field_err(file, line, "-", Problem::Csv(format!("{other:?}"))),
    }
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// Identity hasher for keys that are already hashes.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Rows with an id that must be unique.
trait HasId {
    fn id(&self) -> &str;
}
impl HasId for Address {
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for Incident {
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for Signal {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Duplicate-id detection without keeping a second copy of every id: a map
/// from the id's SipHash to the line of its first row and that row's index
/// among the accepted rows (whose id is then compared). Ids of rejected rows
/// are kept apart (so a duplicate of a rejected row is reported too), and so
/// are the rare ids whose hash another id already has.
#[derive(Default)]
struct Ids {
    first: HashMap<u64, (u64, u32), BuildHasherDefault<Prehashed>>,
    rejected: HashMap<u64, String>,
    collided: HashMap<String, u64>,
}

fn id_hash(id: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl Ids {
    /// Check and record the id of the current row of `t` (column `k`);
    /// `accepted` are the rows accepted so far (the current row, if
    /// accepted, comes next).
    fn check<T: HasId>(
        &mut self,
        t: &Table,
        k: usize,
        id: &str,
        accepted: &[T],
    ) -> Result<(), ScanError> {
        if id.is_empty() {
            return Err(t.err(k, Problem::EmptyId));
        }
        let duplicate = |first_line: u64| {
            t.err(
                k,
                Problem::DuplicateId {
                    id: id.into(),
                    first_line,
                },
            )
        };
        let h = id_hash(id);
        let Some(&(line, row)) = self.first.get(&h) else {
            self.first.insert(h, (t.line, accepted.len() as u32));
            return Ok(());
        };
        let same = if row == REJECTED {
            self.rejected.get(&line).is_some_and(|r| r == id)
        } else {
            accepted.get(row as usize).is_some_and(|a| a.id() == id)
        };
        if same {
            return Err(duplicate(line));
        }
        // Another id with the same 64-bit hash (rare): compare exactly.
        match self.collided.get(id) {
            Some(&line) => Err(duplicate(line)),
            None => {
                self.collided.insert(id.to_string(), t.line);
                Ok(())
            }
        }
    }

    /// The current row (on `line`, with `id`) was rejected after `check`.
    fn reject(&mut self, line: u64, id: &str) {
        if let Some(e) = self.first.get_mut(&id_hash(id))
            && e.0 == line
            && e.1 != REJECTED
        {
            e.1 = REJECTED;
            self.rejected.insert(line, id.to_string());
        }
    }
}

const REJECTED: u32 = u32::MAX;

/// Read a file of rows with a unique `id` in column 0: `row` builds one row
/// from the current record (after the id check), errors are collected.
fn read_rows<T: HasId>(
    path: &Path,
    cols: &'static [&'static str],
    row: impl Fn(&Table) -> Result<T, ScanError>,
) -> Result<Vec<T>, ScanError> {
    let mut t = Table::open(path, cols)?;
    let mut errs = Collector::new(path);
    let mut out: Vec<T> = Vec::new();
    let mut ids = Ids::default();
    while t.next(&mut errs)? {
        let checked = ids.check(&t, 0, t.get(0), &out);
        match checked.and_then(|()| row(&t)) {
            Ok(v) => out.push(v),
            Err(e) => {
                let id = t.get(0).to_string();
                ids.reject(t.line, &id);
                errs.add(e);
            }
        }
    }
    errs.finish(out)
}

/// Read `adressen.csv`. Ids must be unique and non-empty; positions must be
/// finite and within RD New's Dutch domain (x 0..300000, y 289000..629000).
/// Row errors are collected (see [`ScanError::Rows`]).
pub fn read_addresses(path: &Path) -> Result<Vec<Address>, ScanError> {
    const COLS: &[&str] = &[
        "id",
        "x",
        "y",
        "gemeente",
        "gebruiksdoel",
        "oppervlakte",
        "bouwjaar",
        "status",
    ];
    read_rows(path, COLS, |t| {
        let (x, y) = t.point(1, 2)?;
        Ok(Address {
            id: t.get(0).to_string(),
            x,
            y,
            gemeente: t.get(3).to_string(),
            gebruiksdoel: t.get(4).to_string(),
            oppervlakte: t.int(5)?,
            bouwjaar: t.int(6)?,
            status: t.get(7).to_string(),
        })
    })
}

/// Read `bedrijven.csv`. `einde` may be empty (still active); `sbi` must be
/// digits (SBI without dots). Row errors are collected.
pub fn read_businesses(path: &Path) -> Result<Vec<Business>, ScanError> {
    const COLS: &[&str] = &["kvk", "adres_id", "sbi", "start", "einde"];
    let mut t = Table::open(path, COLS)?;
    let mut errs = Collector::new(path);
    let mut out = Vec::new();
    while t.next(&mut errs)? {
        let row = (|| {
            let sbi = t.get(2);
            if sbi.is_empty() || !sbi.bytes().all(|b| b.is_ascii_digit()) {
                return Err(t.err(2, Problem::NotAnSbiCode(sbi.into())));
            }
            Ok(Business {
                kvk: t.get(0).to_string(),
                adres_id: t.get(1).to_string(),
                sbi: sbi.to_string(),
                start: t.date(3)?,
                einde: if t.get(4).is_empty() {
                    None
                } else {
                    Some(t.date(4)?)
                },
            })
        })();
        match row {
            Ok(b) => out.push(b),
            Err(e) => errs.add(e),
        }
    }
    errs.finish(out)
}

/// Read `incidenten.csv`. Ids must be unique; `soort` one of the four kinds.
/// Row errors are collected.
pub fn read_incidents(path: &Path) -> Result<Vec<Incident>, ScanError> {
    const COLS: &[&str] = &["id", "x", "y", "datum", "soort"];
    read_rows(path, COLS, |t| {
        let (x, y) = t.point(1, 2)?;
        let soort = t.get(4);
        if !["hennepkwekerij", "drugslab", "drugsafval", "opslag"].contains(&soort) {
            return Err(t.err(4, Problem::UnknownSoort(soort.into())));
        }
        Ok(Incident {
            id: t.get(0).to_string(),
            x,
            y,
            datum: t.date(3)?,
            soort: soort.to_string(),
        })
    })
}

/// Read `signalen.csv`. Ids must be unique; every category counts. Row
/// errors are collected.
pub fn read_signals(path: &Path) -> Result<Vec<Signal>, ScanError> {
    const COLS: &[&str] = &["id", "x", "y", "datum", "categorie"];
    read_rows(path, COLS, |t| {
        let (x, y) = t.point(1, 2)?;
        Ok(Signal {
            id: t.get(0).to_string(),
            x,
            y,
            datum: t.date(3)?,
            categorie: t.get(4).to_string(),
        })
    })
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

/// Read the input directory of the spec: all five files are required.
pub fn read_input_dir(dir: &Path) -> Result<ScanInput, ScanError> {
    Ok(ScanInput {
        addresses: read_addresses(&dir.join("adressen.csv"))?,
        businesses: read_businesses(&dir.join("bedrijven.csv"))?,
        incidents: read_incidents(&dir.join("incidenten.csv"))?,
        signals: read_signals(&dir.join("signalen.csv"))?,
        municipalities: read_municipalities(&dir.join("gemeenten.geojson"))?,
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
/// decimals (Rust's fixed-precision formatting rounds correctly).
pub fn address_line(r: &AddressResult) -> String {
    format!(
        "{},{:.9},{},{},{},{:.9},{},{},{},{:.9},{}\n",
        text(&r.id),
        r.oad,
        b(r.buitengebied),
        r.incidenten_1km_5j,
        r.signalen_500m_2j,
        r.isolatie_m,
        b(r.agrarisch_gestopt),
        b(r.groot_bedrijfspand),
        b(r.buiten_gebruik),
        r.score,
        r.klasse.as_str()
    )
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

/// Write `header` and then `line(row)` for all rows, formatting in parallel
/// in batches and writing in order.
fn write_csv<T: Sync>(
    dir: &Path,
    name: &str,
    header: &str,
    rows: &[T],
    line: impl Fn(&T) -> String + Sync,
) -> Result<(), ScanError> {
    let path = dir.join(name);
    let werr = |source| ScanError::Write {
        file: path.clone(),
        source,
    };
    let f = File::create(&path).map_err(werr)?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    w.write_all(header.as_bytes()).map_err(werr)?;
    w.write_all(b"\n").map_err(werr)?;
    for batch in rows.chunks(1 << 18) {
        let parts: Vec<String> = batch
            .par_chunks(4096)
            .map(|c| c.iter().map(&line).collect::<String>())
            .collect();
        for p in parts {
            w.write_all(p.as_bytes()).map_err(werr)?;
        }
    }
    w.flush().map_err(werr)
}

/// Write the three output files of the spec into `dir` (created if needed).
pub fn write_output_dir(out: &ScanOutput, dir: &Path) -> Result<(), ScanError> {
    std::fs::create_dir_all(dir).map_err(|source| ScanError::Write {
        file: dir.to_path_buf(),
        source,
    })?;
    write_csv(
        dir,
        "adressen_scan.csv",
        ADDRESS_HEADER,
        &out.addresses,
        address_line,
    )?;
    write_csv(
        dir,
        "gemeenten_scan.csv",
        MUNICIPALITY_HEADER,
        &out.municipalities,
        municipality_line,
    )?;
    write_csv(
        dir,
        "vierkanten_scan.csv",
        SQUARE_HEADER,
        &out.squares,
        square_line,
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
}

/// Read `input`, scan at `peildatum`, write `output`.
pub fn run_dir(input: &Path, peildatum: Date, output: &Path) -> Result<ScanSummary, ScanError> {
    let data = read_input_dir(input)?;
    let out = crate::engine::scan(&data, peildatum);
    write_output_dir(&out, output)?;
    Ok(ScanSummary::of(&out))
}
