//! Errors that name the file (with the path inside zips), the line and
//! column, the object, the element or column, and the reason; and an error
//! budget that collects many of them so that an import can report them all.

use crate::geom::RingProblem;
use crate::model::ObjectType;
use std::fmt;
use thiserror::Error;

/// What went wrong.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ErrorKind {
    #[error("read error: {0}")]
    Io(#[source] std::io::Error),
    #[error("cannot open file: {0}")]
    Open(#[source] std::io::Error),
    #[error("broken zip archive: {0}")]
    Zip(String),
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("the file ends inside <{0}>")]
    UnexpectedEof(&'static str),
    #[error("required element missing")]
    Missing,
    #[error("{value:?} is not {expected}")]
    Invalid {
        value: String,
        expected: &'static str,
    },
    #[error("element occurs more than once")]
    Duplicate,
    #[error("{0}")]
    Geometry(GeometryError),
    #[error("unsupported coordinate reference system {0:?}; expected EPSG:28992 (RD New)")]
    Crs(String),
    #[error("{0}")]
    Limit(String),
    // --- CSV ---
    #[error("the file is empty (a header line is required)")]
    EmptyFile,
    #[error("wrong delimiter: the header is separated by {found:?}, expected ','")]
    WrongDelimiter { found: char },
    #[error("missing column(s): {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    #[error("column appears twice in the header")]
    DuplicateColumn,
    #[error("the line has {found} fields, the header has {expected}")]
    FieldCount { found: usize, expected: usize },
    #[error("bytes that are not valid UTF-8")]
    NotUtf8,
    #[error("({x}, {y}) lies outside the Netherlands (RD New x 0..300000, y 289000..629000)")]
    OutsideNetherlands { x: f64, y: f64 },
    #[error("duplicate id {id:?} (first on line {first_line})")]
    DuplicateId { id: String, first_line: u64 },
    #[error("{0}")]
    Other(String),
}

/// A geometry problem with its details.
#[derive(Debug, Clone, PartialEq)]
pub enum GeometryError {
    Ring(RingProblem),
    /// The number of values does not fit the dimension.
    ValueCount {
        values: usize,
        dimension: usize,
    },
    /// `count` attribute disagrees with the positions found.
    CountMismatch {
        declared: usize,
        found: usize,
    },
    /// srsDimension other than 2 or 3.
    Dimension(String),
    /// A polygon without exterior ring, or an object without geometry.
    NoExterior,
    /// Geometry type not allowed here.
    Unexpected(&'static str),
}

impl fmt::Display for GeometryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GeometryError::Ring(r) => r.fmt(f),
            GeometryError::ValueCount { values, dimension } => write!(
                f,
                "{values} numbers do not make whole positions of {dimension} coordinates (srsDimension)"
            ),
            GeometryError::CountMismatch { declared, found } => {
                write!(f, "count=\"{declared}\" but {found} positions found")
            }
            GeometryError::Dimension(d) => {
                write!(f, "srsDimension {d:?} is not supported (2 or 3)")
            }
            GeometryError::NoExterior => f.write_str("polygon has no exterior ring"),
            GeometryError::Unexpected(what) => write!(f, "unexpected geometry: {what}"),
        }
    }
}

impl GeometryError {
    fn message_nl(&self) -> String {
        match self {
            GeometryError::Ring(r) => r.message_nl(),
            GeometryError::ValueCount { values, dimension } => format!(
                "{values} getallen vormen geen hele punten van {dimension} coördinaten (srsDimension)"
            ),
            GeometryError::CountMismatch { declared, found } => {
                format!("count=\"{declared}\" maar {found} punten gevonden")
            }
            GeometryError::Dimension(d) => {
                format!("srsDimension {d:?} wordt niet ondersteund (2 of 3)")
            }
            GeometryError::NoExterior => "polygoon zonder buitenring".into(),
            GeometryError::Unexpected(what) => format!("onverwachte geometrie: {what}"),
        }
    }
}

/// Where an error happened and what it is about.
#[derive(Debug)]
pub struct ErrorInfo {
    /// File name; inside zips `outer.zip!/inner.zip!/file.xml`.
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<u64>,
    /// 1-based column in bytes, where known.
    pub column: Option<u64>,
    /// The object, e.g. (`Pand`, `0147100000016964`) or the id column value.
    pub object: Option<(ObjectType, String)>,
    /// Element (`Objecten:oppervlakte`, `gml:posList`) or CSV column name.
    pub field: Option<String>,
    pub kind: ErrorKind,
}

/// An error reading BAG data or `adressen.csv`. Cheap to move (boxed).
#[derive(Debug)]
pub struct BagError(Box<ErrorInfo>);

impl BagError {
    pub fn new(file: impl Into<String>, kind: ErrorKind) -> BagError {
        BagError(Box::new(ErrorInfo {
            file: file.into(),
            line: None,
            column: None,
            object: None,
            field: None,
            kind,
        }))
    }

    pub fn at(mut self, line: u64, column: u64) -> BagError {
        self.0.line = Some(line);
        self.0.column = Some(column);
        self
    }

    pub fn at_line(mut self, line: u64) -> BagError {
        self.0.line = Some(line);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> BagError {
        self.0.field = Some(field.into());
        self
    }

    pub fn object(mut self, t: ObjectType, id: impl Into<String>) -> BagError {
        self.0.object = Some((t, id.into()));
        self
    }

    pub fn info(&self) -> &ErrorInfo {
        &self.0
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The same message in Dutch (user-facing).
    pub fn message_nl(&self) -> String {
        let i = &self.0;
        let mut s = self.prefix(true);
        let reason = match &i.kind {
            ErrorKind::Io(e) => format!("leesfout: {e}"),
            ErrorKind::Open(e) => format!("bestand kan niet worden geopend: {e}"),
            ErrorKind::Zip(e) => format!("beschadigd zip-archief: {e}"),
            ErrorKind::Xml(e) => format!("geen geldige XML: {e}"),
            ErrorKind::UnexpectedEof(el) => format!("het bestand eindigt binnen <{el}>"),
            ErrorKind::Missing => "verplicht element ontbreekt".into(),
            ErrorKind::Invalid { value, expected } => {
                format!("{value:?} is niet {}", expected_nl(expected))
            }
            ErrorKind::Duplicate => "element komt meer dan eens voor".into(),
            ErrorKind::Geometry(g) => g.message_nl(),
            ErrorKind::Crs(c) => format!(
                "coördinatenstelsel {c:?} wordt niet ondersteund; verwacht EPSG:28992 (RD New)"
            ),
            ErrorKind::Limit(m) => format!("limiet overschreden: {m}"),
            ErrorKind::EmptyFile => "het bestand is leeg (een kopregel is verplicht)".into(),
            ErrorKind::WrongDelimiter { found } => format!(
                "verkeerd scheidingsteken: de kopregel is gescheiden door {found:?}, verwacht ','"
            ),
            ErrorKind::MissingColumns(c) => format!("ontbrekende kolom(men): {}", c.join(", ")),
            ErrorKind::DuplicateColumn => "kolom komt twee keer voor in de kopregel".into(),
            ErrorKind::FieldCount { found, expected } => {
                format!("de regel heeft {found} velden, de kopregel {expected}")
            }
            ErrorKind::NotUtf8 => "tekens die geen geldige UTF-8 zijn".into(),
            ErrorKind::OutsideNetherlands { x, y } => {
                format!("({x}, {y}) ligt buiten Nederland (RD New x 0..300000, y 289000..629000)")
            }
            ErrorKind::DuplicateId { id, first_line } => {
                format!("dubbele id {id:?} (eerder op regel {first_line})")
            }
            ErrorKind::Other(m) => m.clone(),
        };
        s.push_str(&reason);
        s
    }

    fn prefix(&self, nl: bool) -> String {
        let i = &self.0;
        let mut s = i.file.clone();
        match (i.line, i.column) {
            (Some(l), Some(c)) => {
                if nl {
                    s.push_str(&format!(", regel {l}, kolom {c}"));
                } else {
                    s.push_str(&format!(":{l}:{c}"));
                }
            }
            (Some(l), None) => {
                if nl {
                    s.push_str(&format!(", regel {l}"));
                } else {
                    s.push_str(&format!(":{l}"));
                }
            }
            _ => {}
        }
        s.push_str(": ");
        if let Some((t, id)) = &i.object {
            s.push_str(&format!("{t} {id}"));
            s.push_str(if i.field.is_some() { ", " } else { ": " });
        }
        if let Some(f) = &i.field {
            s.push_str(f);
            s.push_str(": ");
        }
        s
    }
}

fn expected_nl(e: &str) -> String {
    match e {
        "a whole number" => "een geheel getal".into(),
        "a number" => "een getal".into(),
        "a date YYYY-MM-DD" => "een datum JJJJ-MM-DD".into(),
        "a date-time YYYY-MM-DDThh:mm:ss" => "een tijdstip JJJJ-MM-DDTuu:mm:ss".into(),
        "a BAG identificatie (digits)" => "een BAG-identificatie (cijfers)".into(),
        "a 16-digit BAG identificatie" => "een BAG-identificatie van 16 cijfers".into(),
        "a known status" => "een bekende status".into(),
        "a known type" => "een bekend type".into(),
        "a postcode 1234AB" => "een postcode 1234AB".into(),
        "one letter" => "één letter".into(),
        "1 to 4 letters or digits" => "1 tot 4 letters of cijfers".into(),
        "a year" => "een jaartal".into(),
        other => other.to_string(),
    }
}

impl fmt::Display for BagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.prefix(false))?;
        self.0.kind.fmt(f)
    }
}

impl std::error::Error for BagError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Io(e) | ErrorKind::Open(e) => Some(e),
            _ => None,
        }
    }
}

/// Collects up to `limit` errors and counts the rest, so that an import can
/// report every problem (the first `limit` in full) and then refuse.
#[derive(Debug)]
pub struct ErrorBudget {
    limit: usize,
    errors: Vec<BagError>,
    total: u64,
}

impl Default for ErrorBudget {
    fn default() -> Self {
        ErrorBudget::new(ErrorBudget::DEFAULT_LIMIT)
    }
}

impl ErrorBudget {
    /// The number of errors kept in full by default.
    pub const DEFAULT_LIMIT: usize = 50;

    pub fn new(limit: usize) -> ErrorBudget {
        ErrorBudget {
            limit,
            errors: Vec::new(),
            total: 0,
        }
    }

    pub fn push(&mut self, e: BagError) {
        self.total += 1;
        if self.errors.len() < self.limit {
            self.errors.push(e);
        }
    }

    /// No error at all.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// All errors seen, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The errors kept in full (the first `limit`).
    pub fn errors(&self) -> &[BagError] {
        &self.errors
    }

    /// Errors counted but not kept.
    pub fn omitted(&self) -> u64 {
        self.total - self.errors.len() as u64
    }

    /// `Ok(value)` without errors, else all of them.
    pub fn into_result<T>(self, value: T) -> Result<T, ImportErrors> {
        if self.total == 0 {
            Ok(value)
        } else {
            Err(ImportErrors {
                errors: self.errors,
                total: self.total,
            })
        }
    }
}

/// The refusal of an import: the first errors in full and the total count.
#[derive(Debug, Error)]
pub struct ImportErrors {
    pub errors: Vec<BagError>,
    pub total: u64,
}

impl ImportErrors {
    /// Dutch report, one error per line.
    pub fn message_nl(&self) -> String {
        let mut s = format!("{} fout(en):", self.total);
        for e in &self.errors {
            s.push_str("\n  ");
            s.push_str(&e.message_nl());
        }
        let more = self.total - self.errors.len() as u64;
        if more > 0 {
            s.push_str(&format!("\n  … en nog {more} fout(en)"));
        }
        s
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error(s):", self.total)?;
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        let more = self.total - self.errors.len() as u64;
        if more > 0 {
            write!(f, "\n  ... and {more} more error(s)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_budget() {
        let e = BagError::new("a.zip!/b.xml", ErrorKind::Missing)
            .at(12, 5)
            .object(ObjectType::Pand, "0221100000312938")
            .field("Objecten:status");
        assert_eq!(
            e.to_string(),
            "a.zip!/b.xml:12:5: Pand 0221100000312938, Objecten:status: required element missing"
        );
        assert_eq!(
            e.message_nl(),
            "a.zip!/b.xml, regel 12, kolom 5: Pand 0221100000312938, Objecten:status: verplicht element ontbreekt"
        );
        let mut b = ErrorBudget::new(2);
        for _ in 0..5 {
            b.push(BagError::new("x", ErrorKind::Missing));
        }
        assert_eq!((b.total(), b.errors().len(), b.omitted()), (5, 2, 3));
        let r = b.into_result(()).unwrap_err();
        assert!(r.to_string().ends_with("... and 3 more error(s)"));
        assert!(r.message_nl().contains("en nog 3 fout(en)"));
    }
}
