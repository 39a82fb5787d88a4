//! `adressen.csv` of the gebiedsscan spec v1: comma-separated, header
//! required, columns `id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,status`
//! (any order; extra columns are ignored). Read as a stream of rows with the
//! same error type as the XML reader, and written from joined addresses.

use crate::error::{BagError, ErrorBudget, ErrorKind};
use crate::join::Adres;
use crate::num::{parse_f64, parse_i64};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::path::Path;
use std::rc::Rc;

/// The required columns, in the spec's order.
pub const COLUMNS: [&str; 8] = [
    "id",
    "x",
    "y",
    "gemeente",
    "gebruiksdoel",
    "oppervlakte",
    "bouwjaar",
    "status",
];

/// RD New bounds of the Netherlands used for the plausibility check.
pub const RD_X: (f64, f64) = (0.0, 300_000.0);
pub const RD_Y: (f64, f64) = (289_000.0, 629_000.0);

/// One row of `adressen.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct AdresRow {
    /// 16-digit verblijfsobject identificatie.
    pub id: String,
    pub x: f64,
    pub y: f64,
    /// CBS code, e.g. `GM0361`.
    pub gemeente: String,
    /// `;`-separated gebruiksdoelen.
    pub gebruiksdoel: String,
    pub oppervlakte: i64,
    pub bouwjaar: i32,
    pub status: String,
    /// Line in the file (1 = header).
    pub line: u64,
}

/// Records the offsets of the newlines read (and whether they end a blank
/// line), so that a record's byte offset can be turned into its line number:
/// the csv crate does not count blank lines, and places a record after a
/// blank line at the blank line. Only newlines not yet passed are kept, so
/// memory is bounded by the read-ahead.
struct LineTracker<R> {
    inner: R,
    pos: u64,
    /// Offset of the last newline seen.
    last_nl: Option<u64>,
    last_byte: u8,
    newlines: Rc<RefCell<VecDeque<(u64, bool)>>>,
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        let mut q = self.newlines.borrow_mut();
        for i in memchr::memchr_iter(b'\n', chunk) {
            let p = self.pos + i as u64;
            let line_start = self.last_nl.map_or(0, |l| l + 1);
            let before = if i > 0 { chunk[i - 1] } else { self.last_byte };
            let blank = p == line_start || (p == line_start + 1 && before == b'\r');
            q.push_back((p, blank));
            self.last_nl = Some(p);
        }
        if let Some(&b) = chunk.last() {
            self.last_byte = b;
        }
        self.pos += n as u64;
        Ok(n)
    }
}

/// Streaming reader: the header is checked by [`AdressenReader::new`], rows
/// come from the iterator (one `Err` per bad row; reading goes on).
pub struct AdressenReader<R: Read> {
    rdr: csv::Reader<LineTracker<R>>,
    newlines: Rc<RefCell<VecDeque<(u64, bool)>>>,
    /// Newlines before the last record asked about.
    lines_before: u64,
    file: String,
    idx: [usize; 8],
    header_len: usize,
    seen: HashMap<String, u64>,
    record: csv::ByteRecord,
    done: bool,
}

impl<R: Read> AdressenReader<R> {
    /// Reads and checks the header. `file` names the source in errors.
    pub fn new(reader: R, file: impl Into<String>) -> Result<Self, BagError> {
        let file = file.into();
        let newlines = Rc::new(RefCell::new(VecDeque::new()));
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(b',')
            .from_reader(LineTracker {
                inner: reader,
                pos: 0,
                last_nl: None,
                last_byte: 0,
                newlines: newlines.clone(),
            });
        let mut header = csv::ByteRecord::new();
        match rdr.read_byte_record(&mut header) {
            Ok(true) => {}
            Ok(false) => return Err(BagError::new(file, ErrorKind::EmptyFile)),
            Err(e) => return Err(csv_error(&file, e)),
        }
        let mut names = Vec::with_capacity(header.len());
        for (i, f) in header.iter().enumerate() {
            let f = if i == 0 {
                f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f)
            } else {
                f
            };
            match std::str::from_utf8(f) {
                Ok(s) => names.push(s.trim().to_string()),
                Err(_) => {
                    return Err(BagError::new(file, ErrorKind::NotUtf8)
                        .at_line(1)
                        .field(format!("header field {}", i + 1)));
                }
            }
        }
        if names.len() == 1 {
            for d in [';', '\t', '|'] {
                if names[0].contains(d) {
                    return Err(
                        BagError::new(file, ErrorKind::WrongDelimiter { found: d }).at_line(1)
                    );
                }
            }
        }
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(BagError::new(file, ErrorKind::DuplicateColumn)
                    .at_line(1)
                    .field(n.clone()));
            }
        }
        let missing: Vec<String> = COLUMNS
            .iter()
            .filter(|c| !names.iter().any(|n| n == *c))
            .map(|c| c.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(BagError::new(file, ErrorKind::MissingColumns(missing)).at_line(1));
        }
        let mut idx = [0usize; 8];
        for (k, c) in COLUMNS.iter().enumerate() {
            idx[k] = names.iter().position(|n| n == c).unwrap_or(0);
        }
        Ok(AdressenReader {
            rdr,
            newlines,
            lines_before: 0,
            file,
            idx,
            header_len: names.len(),
            seen: HashMap::new(),
            record: csv::ByteRecord::new(),
            done: false,
        })
    }

    fn err(&self, kind: ErrorKind, line: u64, field: &str) -> BagError {
        BagError::new(self.file.clone(), kind)
            .at_line(line)
            .field(field.to_string())
    }

    /// 1-based line of the record starting at byte `offset` (offsets must
    /// not decrease between calls).
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut q = self.newlines.borrow_mut();
        // Newlines before the record, then blank lines the csv crate counts
        // as the start of the record.
        while q.front().is_some_and(|&(nl, blank)| nl < offset || blank) {
            q.pop_front();
            self.lines_before += 1;
        }
        self.lines_before + 1
    }

    fn row(&mut self) -> Result<AdresRow, BagError> {
        let offset = self.record.position().map_or(0, |p| p.byte());
        let line = self.line_at(offset);
        if self.record.len() != self.header_len {
            if self.record.len() == 1 {
                let f = self.record.get(0).unwrap_or_default();
                for d in [b';', b'\t'] {
                    if f.contains(&d) {
                        return Err(BagError::new(
                            self.file.clone(),
                            ErrorKind::WrongDelimiter { found: d as char },
                        )
                        .at_line(line));
                    }
                }
            }
            return Err(BagError::new(
                self.file.clone(),
                ErrorKind::FieldCount {
                    found: self.record.len(),
                    expected: self.header_len,
                },
            )
            .at_line(line));
        }
        let mut vals: [&str; 8] = [""; 8];
        for (k, c) in COLUMNS.iter().enumerate() {
            let raw = self.record.get(self.idx[k]).unwrap_or_default();
            vals[k] = match std::str::from_utf8(raw) {
                Ok(s) => s.trim(),
                Err(_) => return Err(self.err(ErrorKind::NotUtf8, line, c)),
            };
        }
        let [
            id,
            x,
            y,
            gemeente,
            gebruiksdoel,
            oppervlakte,
            bouwjaar,
            status,
        ] = vals;
        let invalid = |v: &str, expected: &'static str| ErrorKind::Invalid {
            value: v.to_string(),
            expected,
        };
        if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.err(invalid(id, "a 16-digit BAG identificatie"), line, "id"));
        }
        let num = |v: &str, name: &str| -> Result<f64, BagError> {
            parse_f64(v.as_bytes()).ok_or_else(|| {
                let expected = if v.contains(',') {
                    "a number (use a decimal point, not a comma)"
                } else {
                    "a number"
                };
                self.err(invalid(v, expected), line, name)
            })
        };
        let xv = num(x, "x")?;
        let yv = num(y, "y")?;
        if !(RD_X.0..=RD_X.1).contains(&xv) || !(RD_Y.0..=RD_Y.1).contains(&yv) {
            return Err(self.err(ErrorKind::OutsideNetherlands { x: xv, y: yv }, line, "x,y"));
        }
        let opp = parse_i64(oppervlakte.as_bytes())
            .filter(|v| *v >= 0)
            .ok_or_else(|| self.err(invalid(oppervlakte, "a whole number"), line, "oppervlakte"))?;
        let bj = parse_i64(bouwjaar.as_bytes())
            .and_then(|v| i32::try_from(v).ok())
            .ok_or_else(|| self.err(invalid(bouwjaar, "a whole number"), line, "bouwjaar"))?;
        if let Some(first) = self.seen.get(id) {
            return Err(self.err(
                ErrorKind::DuplicateId {
                    id: id.to_string(),
                    first_line: *first,
                },
                line,
                "id",
            ));
        }
        let row = AdresRow {
            id: id.to_string(),
            x: xv,
            y: yv,
            gemeente: gemeente.to_string(),
            gebruiksdoel: gebruiksdoel.to_string(),
            oppervlakte: opp,
            bouwjaar: bj,
            status: status.to_string(),
            line,
        };
        self.seen.insert(row.id.clone(), line);
        Ok(row)
    }
}

fn csv_error(file: &str, e: csv::Error) -> BagError {
    let line = e.position().map(|p| p.line());
    let kind = match e.into_kind() {
        csv::ErrorKind::Io(io) => ErrorKind::Io(io),
        csv::ErrorKind::Utf8 { .. } => ErrorKind::NotUtf8,
        other => ErrorKind::Other(format!("{other:?}")),
    };
    let err = BagError::new(file, kind);
    match line {
        Some(l) => err.at_line(l),
        None => err,
    }
}

impl<R: Read> Iterator for AdressenReader<R> {
    type Item = Result<AdresRow, BagError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let mut rec = std::mem::take(&mut self.record);
            let r = self.rdr.read_byte_record(&mut rec);
            self.record = rec;
            return match r {
                Ok(false) => {
                    self.done = true;
                    None
                }
                Ok(true) => {
                    // Skip lines that are entirely empty.
                    if self.record.len() == 1 && self.record.get(0).is_some_and(|f| f.is_empty()) {
                        continue;
                    }
                    Some(self.row())
                }
                Err(e) => {
                    // I/O errors end the file; others only spoil the row.
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.done = true;
                    }
                    Some(Err(csv_error(&self.file, e)))
                }
            };
        }
    }
}

/// Reads a whole `adressen.csv`; every error goes into `budget`. Check
/// `budget.is_empty()` before using the rows.
pub fn read_adressen_csv(path: &Path, budget: &mut ErrorBudget) -> Vec<AdresRow> {
    let name = path.display().to_string();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            budget.push(BagError::new(name, ErrorKind::Open(e)));
            return Vec::new();
        }
    };
    read_adressen(std::io::BufReader::new(file), &name, budget)
}

/// Like [`read_adressen_csv`] for any reader.
pub fn read_adressen<R: Read>(reader: R, name: &str, budget: &mut ErrorBudget) -> Vec<AdresRow> {
    let rdr = match AdressenReader::new(reader, name) {
        Ok(r) => r,
        Err(e) => {
            budget.push(e);
            return Vec::new();
        }
    };
    let mut rows = Vec::new();
    for r in rdr {
        match r {
            Ok(row) => rows.push(row),
            Err(e) => budget.push(e),
        }
    }
    rows
}

/// Writes `adressen.csv` (spec columns, `,`-separated, `\n` line ends).
/// Coordinates are written in their shortest round-trip form. Addresses
/// without gemeente, oppervlakte or bouwjaar cannot be written (the spec
/// requires them): they are returned by identificatie and left out.
pub fn write_adressen_csv<W: Write>(w: W, addresses: &[Adres]) -> std::io::Result<Vec<String>> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(w);
    out.write_record(COLUMNS)?;
    let mut left_out = Vec::new();
    for a in addresses {
        let (Some(gm), Some(opp), Some(bj)) = (a.gemeente_cbs(), a.oppervlakte, a.bouwjaar) else {
            left_out.push(a.id.to_string());
            continue;
        };
        out.write_record([
            a.id.as_str(),
            &a.x.to_string(),
            &a.y.to_string(),
            &gm,
            &a.gebruiksdoel,
            &opp.to_string(),
            &bj.to_string(),
            &a.status,
        ])?;
    }
    out.flush()?;
    Ok(left_out)
}
