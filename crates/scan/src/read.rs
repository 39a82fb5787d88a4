//! The CSV input files read in parallel chunks.
//!
//! A file is read in chunks of [`CHUNK`] bytes, each chunk read (positioned
//! reads, no shared cursor) and parsed by its own task: a chunk owns the lines
//! that *start* in it, so it skips the tail of the line it begins in and reads
//! on past its end to finish its last line. The parsed chunks are then
//! concatenated in file order ([`Sink::concat`]), so the result does not depend
//! on the chunk size or the number of threads. Only a few chunks are in memory
//! at a time, never the whole file.
//!
//! The parallel parser handles the common case exactly: records are lines
//! (`\n` or `\r\n`), fields are split at `,`, no quoting. It gives up, and the
//! file is read again by the sequential reader (the `csv` crate, record by
//! record), as soon as a chunk holds anything else — a `"`, a lone `\r`,
//! bytes that are not UTF-8, a line with another number of fields than the
//! header — or a row is not valid, or two rows may share an id. So every
//! error is reported by the sequential reader, with its line number and
//! column, the first [`crate::io::MAX_REPORTED_ERRORS`] listed and the rest
//! counted, exactly as before; and a valid file gives the same rows either
//! way (the tests compare both readers, with tiny chunks).

use crate::io::{MAX_REPORTED_ERRORS, Problem, ScanError, parse_date};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use time::Date;

/// Bytes per parallel chunk.
pub(crate) const CHUNK: usize = 4 << 20;
/// At most this many required columns per file.
pub(crate) const MAX_COLS: usize = 8;

/// One record of an input file: its line and the trimmed values of the
/// required columns, in the order of the file's column list.
pub(crate) struct Rec<'a> {
    pub file: &'a Path,
    /// 1-based line (the header is line 1); 0 in the parallel reader, whose
    /// errors are never reported (the sequential reader reports them).
    pub line: u64,
    pub names: &'static [&'static str],
    pub vals: [&'a str; MAX_COLS],
}

impl<'a> Rec<'a> {
    /// Required column `k`, trimmed.
    #[inline]
    pub fn get(&self, k: usize) -> &'a str {
        self.vals[k]
    }

    pub fn err(&self, k: usize, problem: Problem) -> ScanError {
        field_err(self.file, self.line, self.names[k], problem)
    }

    pub fn f64(&self, k: usize) -> Result<f64, ScanError> {
        let s = self.get(k);
        match parse_f64(s) {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.err(k, Problem::NotANumber(s.into()))),
        }
    }

    pub fn int<T: std::str::FromStr>(&self, k: usize) -> Result<T, ScanError> {
        let s = self.get(k);
        s.parse::<T>()
            .map_err(|_| self.err(k, Problem::NotAnInteger(s.into())))
    }

    pub fn date(&self, k: usize) -> Result<Date, ScanError> {
        let s = self.get(k);
        parse_date(s).ok_or_else(|| self.err(k, Problem::NotADate(s.into())))
    }

    /// Columns `kx` and `ky` as an RD New position in the Netherlands.
    pub fn point(&self, kx: usize, ky: usize) -> Result<(f64, f64), ScanError> {
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

/// Powers of ten, all exact in binary64.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `s` as `str::parse::<f64>` reads it. Plain decimals of at most 15
/// digits (`-12.5`, `120589.012`: the form of coordinates) are read directly:
/// the digits as an integer `m < 2^53` and the divisor `10^k` (`k <= 15`)
/// are exact in binary64, so the one division is correctly rounded, which
/// is what `parse` returns too. Anything else goes to `parse`.
pub(crate) fn parse_f64(s: &str) -> Result<f64, std::num::ParseFloatError> {
    let b = s.as_bytes();
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let (mut m, mut n, mut frac, mut dot) = (0u64, 0u32, 0i32, false);
    for &c in digits {
        match c {
            b'0'..=b'9' if n < 15 => {
                m = m * 10 + u64::from(c - b'0');
                n += 1;
                frac += i32::from(dot);
            }
            b'.' if !dot => dot = true,
            _ => return s.parse(),
        }
    }
    if n == 0 {
        return s.parse();
    }
    let v = m as f64 / POW10[frac as usize];
    Ok(if negative { -v } else { v })
}

/// `s.trim()`, without looking further when `s` starts and ends with
/// visible ASCII (no whitespace, Unicode's included, can be at either end).
#[inline]
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&z)) if (0x21..0x7f).contains(&a) && (0x21..0x7f).contains(&z) => s,
        _ => s.trim(),
    }
}

pub(crate) fn field_err(file: &Path, line: u64, column: &str, problem: Problem) -> ScanError {
    ScanError::Field {
        file: file.to_path_buf(),
        line,
        column: column.to_string(),
        problem,
    }
}

/// Where the rows of one file go: a chunk's rows, then all rows.
pub(crate) trait Sink: Send + Sync + Sized {
    /// Build one row from `r` and keep it, or say what is wrong with it.
    fn push(&mut self, r: &Rec) -> Result<(), ScanError>;
    /// Rows kept so far.
    fn len(&self) -> usize;
    /// The id of row `i` (only called for files with unique ids).
    fn id(&self, i: usize) -> &str;
    /// The rows of `parts`, in order.
    fn concat(parts: Vec<Self>) -> Self;
}

/// Rows of a model type, built by a function.
pub(crate) struct Rows<T> {
    pub rows: Vec<T>,
    build: fn(&Rec) -> Result<T, ScanError>,
    id: fn(&T) -> &str,
}

impl<T: Send> Rows<T> {
    pub fn new(build: fn(&Rec) -> Result<T, ScanError>, id: fn(&T) -> &str) -> Rows<T> {
        Rows {
            rows: Vec::new(),
            build,
            id,
        }
    }
}

impl<T: Send + Sync> Sink for Rows<T> {
    fn push(&mut self, r: &Rec) -> Result<(), ScanError> {
        self.rows.push((self.build)(r)?);
        Ok(())
    }
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn id(&self, i: usize) -> &str {
        (self.id)(&self.rows[i])
    }
    fn concat(parts: Vec<Self>) -> Self {
        let mut parts = parts.into_iter();
        let Some(mut first) = parts.next() else {
            unreachable!("concat of no parts")
        };
        let rest: Vec<Rows<T>> = parts.collect();
        first.rows.reserve(rest.iter().map(|p| p.rows.len()).sum());
        for p in rest {
            first.rows.extend(p.rows);
        }
        first
    }
}

/// The header of a file: where its required columns are.
struct Layout {
    names: &'static [&'static str],
    /// Number of fields of every record.
    width: usize,
    /// Per field, the required column it is (`NO_COL` if none).
    want: Vec<u8>,
    /// Byte offset of the first data line.
    data_start: u64,
    /// Column 0 must be non-empty and unique.
    unique: bool,
}

const NO_COL: u8 = u8::MAX;

/// Something to read bytes from at an offset: a file, or bytes in memory.
pub(crate) enum Source<'a> {
    File(File),
    #[cfg_attr(not(test), allow(dead_code))]
    Mem(&'a [u8]),
}

impl Source<'_> {
    fn len(&self) -> std::io::Result<u64> {
        match self {
            Source::File(f) => Ok(f.metadata()?.len()),
            Source::Mem(b) => Ok(b.len() as u64),
        }
    }

    /// Read into `buf` from `off`, as much as there is; the bytes read.
    fn read_at(&self, buf: &mut [u8], off: u64) -> std::io::Result<usize> {
        match self {
            Source::File(f) => {
                use std::os::unix::fs::FileExt;
                let mut done = 0;
                while done < buf.len() {
                    match f.read_at(&mut buf[done..], off + done as u64) {
                        Ok(0) => break,
                        Ok(n) => done += n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(done)
            }
            Source::Mem(b) => {
                let start = (off as usize).min(b.len());
                let n = buf.len().min(b.len() - start);
                buf[..n].copy_from_slice(&b[start..start + n]);
                Ok(n)
            }
        }
    }
}

/// Read the file at `path`: its rows in `make()` sinks, in parallel where the
/// file allows it ([`read_parallel`]), else (and for every error) with the
/// sequential reader. `unique` is the column whose values must be unique
/// and non-empty (the first of `names`), if any.
pub(crate) fn read<S: Sink>(
    path: &Path,
    names: &'static [&'static str],
    unique: bool,
    make: impl Fn() -> S + Sync,
) -> Result<S, ScanError> {
    let file = File::open(path).map_err(|source| ScanError::Read {
        file: path.to_path_buf(),
        source,
    })?;
    if let Some(s) = read_parallel(path, &Source::File(file), names, unique, CHUNK, &make) {
        return Ok(s);
    }
    let file = File::open(path).map_err(|source| ScanError::Read {
        file: path.to_path_buf(),
        source,
    })?;
    read_sequential(
        path,
        BufReader::with_capacity(1 << 20, file),
        names,
        unique,
        make(),
    )
}

/// The parallel reader: `None` where the sequential reader must decide
/// (anything but plain valid lines, or ids that may repeat).
pub(crate) fn read_parallel<S: Sink>(
    path: &Path,
    src: &Source,
    names: &'static [&'static str],
    unique: bool,
    chunk: usize,
    make: &(impl Fn() -> S + Sync),
) -> Option<S> {
    let total = src.len().ok()?;
    let lay = layout(src, names, unique, total)?;
    let data = total - lay.data_start;
    let chunks = data.div_ceil(chunk as u64).max(1) as usize;
    let parts: Vec<Option<S>> = (0..chunks)
        .into_par_iter()
        .with_max_len(1)
        .map_init(Vec::new, |buf, j| {
            parse_chunk(path, src, &lay, j, chunk, total, buf, make())
        })
        .collect();
    let parts: Option<Vec<S>> = parts.into_iter().collect();
    let rows = S::concat(parts?);
    if unique && may_repeat(&rows) {
        return None;
    }
    Some(rows)
}

/// The header, from the first block of the file: `None` if it is not
/// complete in that block or lacks a required column (the sequential reader
/// then reports what is wrong).
fn layout(
    src: &Source,
    names: &'static [&'static str],
    unique: bool,
    total: u64,
) -> Option<Layout> {
    let mut block = vec![0u8; total.min(1 << 20) as usize];
    let n = src.read_at(&mut block, 0).ok()?;
    block.truncate(n);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(&block[..]);
    let header: Vec<String> = rdr
        .headers()
        .ok()?
        .iter()
        .map(|c| c.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let data_start = rdr.position().byte();
    // The header must end within the block (with its line end).
    if (block.len() as u64) < total && data_start >= block.len() as u64 {
        return None;
    }
    if data_start > 0 && !matches!(block.get(data_start as usize - 1), Some(b'\n' | b'\r')) {
        // The header is the whole file (no line end): no data.
        if data_start != total {
            return None;
        }
    }
    if header.len() < 2 || header.len() > usize::from(NO_COL) || names.len() > MAX_COLS {
        return None;
    }
    let mut want = vec![NO_COL; header.len()];
    for (k, &n) in names.iter().enumerate() {
        let i = header.iter().position(|h| h == n)?;
        want[i] = k as u8;
    }
    Some(Layout {
        names,
        width: header.len(),
        want,
        data_start,
        unique,
    })
}

/// Parse chunk `j`: the lines starting in its byte range. `None` if it holds
/// anything the parallel reader leaves to the sequential one.
#[allow(clippy::too_many_arguments)]
fn parse_chunk<S: Sink>(
    path: &Path,
    src: &Source,
    lay: &Layout,
    j: usize,
    chunk: usize,
    total: u64,
    buf: &mut Vec<u8>,
    mut sink: S,
) -> Option<S> {
    let start = lay.data_start + (j * chunk) as u64;
    let end = (start + chunk as u64).min(total);
    // From one byte before: a line starts here if that byte ends a line.
    let from = if j == 0 { start } else { start - 1 };
    buf.clear();
    buf.resize((end - from) as usize, 0);
    if src.read_at(buf, from).ok()? != buf.len() {
        return None;
    }
    let first = if j == 0 {
        0
    } else {
        match memchr::memchr(b'\n', buf) {
            Some(p) => p + 1,
            None => return Some(sink),
        }
    };
    let nominal = buf.len();
    if first >= nominal {
        return Some(sink);
    }
    // Finish the last line, which may go on past the chunk's end.
    if buf.last() != Some(&b'\n') {
        let mut at = end;
        loop {
            let old = buf.len();
            buf.resize(old + (64 << 10), 0);
            let n = src.read_at(&mut buf[old..], at).ok()?;
            buf.truncate(old + n);
            if n == 0 {
                break;
            }
            if let Some(p) = memchr::memchr(b'\n', &buf[old..]) {
                buf.truncate(old + p + 1);
                break;
            }
            at += n as u64;
        }
    }
    parse_lines(path, lay, &buf[first..], &mut sink)?;
    Some(sink)
}

/// Parse plain lines (see the module documentation) into `sink`.
fn parse_lines<S: Sink>(path: &Path, lay: &Layout, bytes: &[u8], sink: &mut S) -> Option<()> {
    if memchr::memchr(b'"', bytes).is_some() {
        return None;
    }
    for p in memchr::memchr_iter(b'\r', bytes) {
        if bytes.get(p + 1) != Some(&b'\n') {
            return None;
        }
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut vals = [""; MAX_COLS];
    let (mut line_start, mut field_start, mut f) = (0, 0, 0);
    // Every field and line end in order (one pass over the bytes), then the
    // end of the bytes (a last line without its line end).
    let marks = memchr::memchr2_iter(b',', b'\n', bytes).chain(std::iter::once(bytes.len()));
    for p in marks {
        let line_end = p == bytes.len() || bytes[p] == b'\n';
        // A '\r' can only stand before a '\n' (checked above): not data.
        let end = if line_end && p > field_start && bytes[p - 1] == b'\r' {
            p - 1
        } else {
            p
        };
        if line_end && f == 0 && end == line_start {
            // An empty line.
            (line_start, field_start) = (p + 1, p + 1);
            continue;
        }
        if f < lay.width {
            let k = lay.want[f];
            if k != NO_COL {
                vals[usize::from(k)] = trim(&text[field_start..end]);
            }
        }
        f += 1;
        field_start = p + 1;
        if line_end {
            if f != lay.width || (lay.unique && vals[0].is_empty()) {
                return None;
            }
            let rec = Rec {
                file: path,
                line: 0,
                names: lay.names,
                vals,
            };
            sink.push(&rec).ok()?;
            (f, line_start) = (0, p + 1);
        }
    }
    Some(())
}

/// Whether two rows may have the same id (`false` is certain): ids in
/// strictly ascending order cannot repeat; otherwise a 64-bit hash of every
/// id is sorted and equal neighbours are looked for.
fn may_repeat<S: Sink + Sync>(rows: &S) -> bool {
    let n = rows.len();
    if (1..n)
        .into_par_iter()
        .with_min_len(1 << 14)
        .all(|i| rows.id(i - 1) < rows.id(i))
    {
        return false;
    }
    let mut hashes: Vec<u64> = (0..n)
        .into_par_iter()
        .with_min_len(1 << 14)
        .map(|i| id_hash(rows.id(i)))
        .collect();
    hashes.par_sort_unstable();
    hashes.par_windows(2).any(|w| w[0] == w[1])
}

// ------------------------------------------------------------ sequential reader

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
struct Table<'a, R: Read> {
    file: &'a Path,
    rdr: csv::Reader<R>,
    names: &'static [&'static str],
    /// Field index of each required column.
    cols: Vec<usize>,
    /// All header names (for naming a column in a UTF-8 error).
    header: Vec<String>,
    rec: csv::StringRecord,
    line: u64,
}

impl<'a, R: Read> Table<'a, R> {
    fn open(
        file: &'a Path,
        reader: R,
        names: &'static [&'static str],
    ) -> Result<Table<'a, R>, ScanError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
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

    /// The current record.
    fn rec(&self) -> Rec<'_> {
        let mut vals = [""; MAX_COLS];
        for (v, &c) in vals.iter_mut().zip(&self.cols) {
            *v = self.rec.get(c).unwrap_or("").trim();
        }
        Rec {
            file: self.file,
            line: self.line,
            names: self.names,
            vals,
        }
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

/// The sequential reader: record by record with the `csv` crate, every row
/// error collected with its line and column.
pub(crate) fn read_sequential<S: Sink>(
    path: &Path,
    reader: impl Read,
    names: &'static [&'static str],
    unique: bool,
    mut sink: S,
) -> Result<S, ScanError> {
    let mut t = Table::open(path, reader, names)?;
    let mut errs = Collector::new(path);
    let mut ids = Ids::default();
    while t.next(&mut errs)? {
        let rec = t.rec();
        let checked = if unique {
            ids.check(&rec, &sink)
        } else {
            Ok(())
        };
        if let Err(e) = checked.and_then(|()| sink.push(&rec)) {
            if unique {
                ids.reject(rec.line, rec.get(0));
            }
            errs.add(e);
        }
    }
    errs.finish(sink)
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

const REJECTED: u32 = u32::MAX;

impl Ids {
    /// Check and record the id (column 0) of `rec`; `accepted` holds the
    /// rows accepted so far (the current row, if accepted, comes next).
    fn check<S: Sink>(&mut self, rec: &Rec, accepted: &S) -> Result<(), ScanError> {
        let id = rec.get(0);
        if id.is_empty() {
            return Err(rec.err(0, Problem::EmptyId));
        }
        let duplicate = |first_line: u64| {
            rec.err(
                0,
                Problem::DuplicateId {
                    id: id.into(),
                    first_line,
                },
            )
        };
        let h = id_hash(id);
        let Some(&(line, row)) = self.first.get(&h) else {
            self.first.insert(h, (rec.line, accepted.len() as u32));
            return Ok(());
        };
        let same = if row == REJECTED {
            self.rejected.get(&line).is_some_and(|r| r == id)
        } else {
            (row as usize) < accepted.len() && accepted.id(row as usize) == id
        };
        if same {
            return Err(duplicate(line));
        }
        // Another id with the same 64-bit hash (rare): compare exactly.
        match self.collided.get(id) {
            Some(&line) => Err(duplicate(line)),
            None => {
                self.collided.insert(id.to_string(), rec.line);
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
