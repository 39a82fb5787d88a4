//! Reading the five input files and writing the three output files of the
//! spec. Errors name the file, the line, the column and the reason.

use crate::model::*;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use time::Date;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{file}: cannot read: {source}")]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}, line {line}, column {column}: {reason}")]
    Field {
        file: PathBuf,
        line: u64,
        column: String,
        reason: String,
    },
    #[error("{file}: {reason}")]
    File { file: PathBuf, reason: String },
    #[error("{file}: cannot write: {source}")]
    Write {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", rows_message(file, errors, *more, false))]
    Rows {
        file: PathBuf,
        errors: Vec<ScanError>,
        more: usize,
    },
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
                reason,
            } => format!("{}, regel {line}, kolom {column}: {reason}", file.display()),
            ScanError::File { file, reason } => format!("{}: {reason}", file.display()),
            ScanError::Write { file, source } => {
                format!("{}: kan niet worden geschreven: {source}", file.display())
            }
            ScanError::Rows { file, errors, more } => rows_message(file, errors, *more, true),
        }
    }
}

/// At most this many row errors are reported; the rest are counted.
pub const MAX_REPORTED_ERRORS: usize = 50;

fn rows_message(file: &Path, errors: &[ScanError], more: usize, nl: bool) -> String {
    let total = errors.len() + more;
    let mut s = if nl {
        format!("{}: {total} fouten", file.display())
    } else {
        format!("{}: {total} errors", file.display())
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

/// Collects row errors: the first 50 are kept, the rest counted.
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
    fn take<T>(&mut self, r: Result<T, ScanError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                if self.errors.len() < MAX_REPORTED_ERRORS {
                    self.errors.push(e);
                } else {
                    self.more += 1;
                }
                None
            }
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

fn field_err(file: &Path, line: u64, column: &str, reason: impl Into<String>) -> ScanError {
    ScanError::Field {
        file: file.to_path_buf(),
        line,
        column: column.to_string(),
        reason: reason.into(),
    }
}

/// A CSV table with a required header; rows as string records with line numbers.
struct Table {
    file: PathBuf,
    columns: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn read(path: &Path, required: &[&str]) -> Result<Table, ScanError> {
        let bytes = std::fs::read(path).map_err(|source| ScanError::Read {
            file: path.to_path_buf(),
            source,
        })?;
        if let Err(e) = std::str::from_utf8(&bytes) {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64
                + 1;
            return Err(field_err(
                path,
                line,
                "-",
                "not valid UTF-8 text (save the file as UTF-8)",
            ));
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes.as_slice());
        let header = rdr
            .headers()
            .map_err(|e| field_err(path, 1, "-", e.to_string()))?
            .clone();
        let columns: Vec<String> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        if columns.len() == 1 && columns[0].contains(';') {
            return Err(field_err(
                path,
                1,
                "-",
                "wrong delimiter: the file uses ';', the format requires ','",
            ));
        }
        for r in required {
            if !columns.iter().any(|c| c == r) {
                return Err(field_err(
                    path,
                    1,
                    r,
                    format!("missing column {r:?} (found: {})", columns.join(", ")),
                ));
            }
        }
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                field_err(path, line, "-", e.to_string())
            })?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            rows.push((line, rec));
        }
        Ok(Table {
            file: path.to_path_buf(),
            columns,
            rows,
        })
    }

    fn idx(&self, name: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c == name)
            .unwrap_or(usize::MAX)
    }

    fn get<'a>(&self, rec: &'a csv::StringRecord, name: &str) -> &'a str {
        rec.get(self.idx(name)).unwrap_or("")
    }

    fn f64(&self, line: u64, rec: &csv::StringRecord, name: &str) -> Result<f64, ScanError> {
        let s = self.get(rec, name).trim();
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(field_err(
                &self.file,
                line,
                name,
                format!("{s:?} is not a number"),
            )),
        }
    }

    fn i64(&self, line: u64, rec: &csv::StringRecord, name: &str) -> Result<i64, ScanError> {
        let s = self.get(rec, name).trim();
        s.parse::<i64>().map_err(|_| {
            field_err(
                &self.file,
                line,
                name,
                format!("{s:?} is not a whole number"),
            )
        })
    }

    fn date(&self, line: u64, rec: &csv::StringRecord, name: &str) -> Result<Date, ScanError> {
        let s = self.get(rec, name).trim();
        parse_date(s).ok_or_else(|| {
            field_err(
                &self.file,
                line,
                name,
                format!("{s:?} is not a date YYYY-MM-DD"),
            )
        })
    }

    fn point(&self, line: u64, rec: &csv::StringRecord) -> Result<(f64, f64), ScanError> {
        let x = self.f64(line, rec, "x")?;
        let y = self.f64(line, rec, "y")?;
        if !(0.0..=300_000.0).contains(&x) || !(289_000.0..=629_000.0).contains(&y) {
            return Err(field_err(
                &self.file,
                line,
                "x,y",
                format!("({x}, {y}) lies outside the Netherlands (RD New)"),
            ));
        }
        Ok((x, y))
    }
}

pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

fn unique(
    file: &Path,
    seen: &mut HashSet<String>,
    line: u64,
    column: &str,
    id: &str,
) -> Result<(), ScanError> {
    if id.is_empty() {
        return Err(field_err(file, line, column, "empty id"));
    }
    if !seen.insert(id.to_string()) {
        return Err(field_err(
            file,
            line,
            column,
            format!("duplicate id {id:?}"),
        ));
    }
    Ok(())
}

/// Read `adressen.csv` (spec v1 format).
pub fn read_addresses(path: &Path) -> Result<Vec<Address>, ScanError> {
    let t = Table::read(
        path,
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
    )?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(t.rows.len());
    let mut errs = Collector::new(path);
    for (line, r) in &t.rows {
        let row = (|| {
            let id = t.get(r, "id").trim().to_string();
            unique(&t.file, &mut seen, *line, "id", &id)?;
            let (x, y) = t.point(*line, r)?;
            let bouwjaar = t.i64(*line, r, "bouwjaar")?;
            Ok(Address {
                id,
                x,
                y,
                gemeente: t.get(r, "gemeente").trim().to_string(),
                gebruiksdoel: t.get(r, "gebruiksdoel").trim().to_string(),
                oppervlakte: t.i64(*line, r, "oppervlakte")?,
                bouwjaar: i32::try_from(bouwjaar)
                    .map_err(|_| field_err(&t.file, *line, "bouwjaar", "out of range"))?,
                status: t.get(r, "status").trim().to_string(),
            })
        })();
        if let Some(a) = errs.take(row) {
            out.push(a);
        }
    }
    errs.finish(out)
}

/// Read `bedrijven.csv` (spec v1 format).
pub fn read_businesses(path: &Path) -> Result<Vec<Business>, ScanError> {
    let t = Table::read(path, &["kvk", "adres_id", "sbi", "start", "einde"])?;
    let mut out = Vec::with_capacity(t.rows.len());
    let mut errs = Collector::new(path);
    for (line, r) in &t.rows {
        let row = (|| {
            let einde = t.get(r, "einde").trim();
            let sbi = t.get(r, "sbi").trim().to_string();
            if sbi.is_empty() || !sbi.bytes().all(|b| b.is_ascii_digit()) {
                return Err(field_err(
                    &t.file,
                    *line,
                    "sbi",
                    format!("{sbi:?} is not an SBI code without dots"),
                ));
            }
            Ok(Business {
                kvk: t.get(r, "kvk").trim().to_string(),
                adres_id: t.get(r, "adres_id").trim().to_string(),
                sbi,
                start: t.date(*line, r, "start")?,
                einde: if einde.is_empty() {
                    None
                } else {
                    Some(t.date(*line, r, "einde")?)
                },
            })
        })();
        if let Some(b) = errs.take(row) {
            out.push(b);
        }
    }
    errs.finish(out)
}

/// Read `incidenten.csv` (spec v1 format).
pub fn read_incidents(path: &Path) -> Result<Vec<Incident>, ScanError> {
    let t = Table::read(path, &["id", "x", "y", "datum", "soort"])?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(t.rows.len());
    let mut errs = Collector::new(path);
    for (line, r) in &t.rows {
        let row = (|| {
            let id = t.get(r, "id").trim().to_string();
            unique(&t.file, &mut seen, *line, "id", &id)?;
            let (x, y) = t.point(*line, r)?;
            let soort = t.get(r, "soort").trim().to_string();
            if !["hennepkwekerij", "drugslab", "drugsafval", "opslag"].contains(&soort.as_str()) {
                return Err(field_err(
                    &t.file,
                    *line,
                    "soort",
                    format!("{soort:?} is not one of hennepkwekerij, drugslab, drugsafval, opslag"),
                ));
            }
            Ok(Incident {
                id,
                x,
                y,
                datum: t.date(*line, r, "datum")?,
                soort,
            })
        })();
        if let Some(i) = errs.take(row) {
            out.push(i);
        }
    }
    errs.finish(out)
}

/// Read `signalen.csv` (spec v1 format).
pub fn read_signals(path: &Path) -> Result<Vec<Signal>, ScanError> {
    let t = Table::read(path, &["id", "x", "y", "datum", "categorie"])?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(t.rows.len());
    let mut errs = Collector::new(path);
    for (line, r) in &t.rows {
        let row = (|| {
            let id = t.get(r, "id").trim().to_string();
            unique(&t.file, &mut seen, *line, "id", &id)?;
            let (x, y) = t.point(*line, r)?;
            Ok(Signal {
                id,
                x,
                y,
                datum: t.date(*line, r, "datum")?,
                categorie: t.get(r, "categorie").trim().to_string(),
            })
        })();
        if let Some(sg) = errs.take(row) {
            out.push(sg);
        }
    }
    errs.finish(out)
}

/// Read the input directory of the spec.
pub fn read_input_dir(dir: &Path) -> Result<ScanInput, ScanError> {
    let mut input = ScanInput {
        addresses: read_addresses(&dir.join("adressen.csv"))?,
        businesses: read_businesses(&dir.join("bedrijven.csv"))?,
        incidents: read_incidents(&dir.join("incidenten.csv"))?,
        signals: read_signals(&dir.join("signalen.csv"))?,
        municipalities: Vec::new(),
    };
    let path = dir.join("gemeenten.geojson");
    let bytes = std::fs::read(&path).map_err(|source| ScanError::Read {
        file: path.clone(),
        source,
    })?;
    let opts = bz_geo::ParseOptions {
        crs: Some(bz_geo::Crs::Rd),
        ..Default::default()
    };
    let ms = bz_geo::parse_municipalities_geojson(&bytes, &path.display().to_string(), &opts)
        .map_err(|e| ScanError::File {
            file: path.clone(),
            reason: e.to_string(),
        })?;
    for m in ms {
        let polygons = m
            .multipolygon_rd
            .polygons()
            .iter()
            .map(|p| {
                p.rings()
                    .iter()
                    .map(|r| r.iter().map(|pt| [pt.x, pt.y]).collect())
                    .collect()
            })
            .collect();
        input.municipalities.push(Municipality {
            statcode: m.code,
            statnaam: m.name,
            polygons,
        });
    }
    Ok(input)
}

fn b(v: bool) -> &'static str {
    if v { "1" } else { "0" }
}

/// Write the three output files of the spec.
pub fn write_output_dir(out: &ScanOutput, dir: &Path) -> Result<(), ScanError> {
    std::fs::create_dir_all(dir).map_err(|source| ScanError::Write {
        file: dir.to_path_buf(),
        source,
    })?;
    let mut s = String::from(
        "id,oad,buitengebied,incidenten_1km_5j,signalen_500m_2j,isolatie_m,agrarisch_gestopt,groot_bedrijfspand,buiten_gebruik,score,klasse\n",
    );
    for r in &out.addresses {
        let _ = writeln!(
            s,
            "{},{:.9},{},{},{},{:.9},{},{},{},{:.9},{}",
            r.id,
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
        );
    }
    write(dir, "adressen_scan.csv", &s)?;
    let mut s = String::from(
        "statcode,adressen,buitengebied,hoog,midden,laag,incidenten_5j,gemiddelde_score\n",
    );
    for m in &out.municipalities {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{:.9}",
            m.statcode,
            m.adressen,
            m.buitengebied,
            m.hoog,
            m.midden,
            m.laag,
            m.incidenten_5j,
            m.gemiddelde_score
        );
    }
    write(dir, "gemeenten_scan.csv", &s)?;
    let mut s = String::from("vierkant,adressen,buitengebied,hoog,gemiddelde_score\n");
    for q in &out.squares {
        let _ = writeln!(
            s,
            "{},{},{},{},{:.9}",
            q.vierkant, q.adressen, q.buitengebied, q.hoog, q.gemiddelde_score
        );
    }
    write(dir, "vierkanten_scan.csv", &s)
}

fn write(dir: &Path, name: &str, s: &str) -> Result<(), ScanError> {
    let path = dir.join(name);
    std::fs::write(&path, s).map_err(|source| ScanError::Write { file: path, source })
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

/// Read `input`, scan at `peildatum`, write `output`.
pub fn run_dir(input: &Path, peildatum: Date, output: &Path) -> Result<ScanSummary, ScanError> {
    let data = read_input_dir(input)?;
    let out = crate::engine::scan(&data, peildatum);
    write_output_dir(&out, output)?;
    let count = |k: Klasse| out.addresses.iter().filter(|r| r.klasse == k).count();
    Ok(ScanSummary {
        addresses: out.addresses.len(),
        hoog: count(Klasse::Hoog),
        midden: count(Klasse::Midden),
        laag: count(Klasse::Laag),
        municipalities: out.municipalities.len(),
        squares: out.squares.len(),
    })
}
