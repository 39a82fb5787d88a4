//! Printable A4 PDFs for Buitenzicht, typeset by the Typst compiler embedded
//! as a library.
//!
//! A [`Document`] is a Typst template plus named virtual files (`data.json`
//! with the document's data, SVG images, …) and a fixed "today". [`render`]
//! compiles it in memory and exports a PDF:
//!
//! * fonts come from `typst-assets` (embedded in the binary, parsed once), so
//!   the same document gives the same bytes on every machine;
//! * nothing is read from the file system or the network: a template sees
//!   only its own files, and an import of a package (`@preview/…`) is an
//!   error;
//! * errors carry Typst's diagnostics with file and line ([`PdfError`]).
//!
//! [`render`] is CPU-bound and blocking (tens of milliseconds): call it from
//! `tokio::task::spawn_blocking` in a server.
//!
//! Templates: [`gemeente::GEMEENTE`], the municipality "in één oogopslag",
//! fed by a [`gemeente::GemeenteReport`] as `data.json`.

#![forbid(unsafe_code)]

pub mod bench;
pub mod gemeente;
pub mod letters;
pub mod survey_report;
mod world;

#[cfg(test)]
mod tests;

use std::fmt;

use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

pub use gemeente::{GEMEENTE, GemeenteReport};

use crate::world::MemoryWorld;

/// A document to render: a Typst template and the files it may read.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The main Typst source.
    pub template: &'a str,
    /// Virtual files by name, relative to the template (`"data.json"`,
    /// `"images/logo.svg"`). Only these can be read (`json("data.json")`,
    /// `image("images/logo.svg")`). Names are interned for the life of the
    /// process: use a fixed set of names, not one per recipient.
    pub files: Vec<(String, Vec<u8>)>,
    /// The date `datetime.today()` returns and the PDF's creation date.
    pub today: time::Date,
}

/// One diagnostic of the Typst compiler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What went wrong, in Typst's words.
    pub message: String,
    /// The file it points into: `main.typ` for the template, or a virtual
    /// file such as `data.json`; `None` when it points nowhere.
    pub file: Option<String>,
    /// The 1-based line in that file.
    pub line: Option<usize>,
    /// Typst's hints, if any.
    pub hints: Vec<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            _ => {}
        }
        f.write_str(&self.message)?;
        for hint in &self.hints {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// A list of diagnostics, shown one per line.
fn lines(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(Diagnostic::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why a document could not be rendered or read.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The template (or a file it reads) does not compile.
    #[error("the document does not compile:\n{}", lines(.0))]
    Compile(Vec<Diagnostic>),
    /// The compiled document could not be exported as PDF.
    #[error("the document cannot be exported as PDF:\n{}", lines(.0))]
    Export(Vec<Diagnostic>),
    /// A virtual file's name is not usable.
    #[error("file name {name:?}: {reason}")]
    FileName { name: String, reason: String },
    /// "Today" is outside Typst's date range.
    #[error("date {0} cannot be used as today")]
    Date(time::Date),
    /// A document's data could not be written as JSON.
    #[error("document data: {0}")]
    Data(#[from] serde_json::Error),
    /// Bytes that should be a PDF could not be read.
    #[error("cannot read the PDF: {0}")]
    Read(String),
}

impl PdfError {
    /// The diagnostics of a compile or export error (empty for others).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Compile(d) | Self::Export(d) => d,
            _ => &[],
        }
    }
}

/// Typst's diagnostics as ours, with file and line resolved in `world`.
fn diagnostics(world: &MemoryWorld, diags: &[SourceDiagnostic]) -> Vec<Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let id = d.span.id();
            let line = id.and_then(|id| {
                let range = world.range(d.span)?;
                world.line_of(id, range.start)
            });
            Diagnostic {
                message: d.message.to_string(),
                file: id.map(|id| id.vpath().get_without_slash().to_string()),
                line,
                hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
            }
        })
        .collect()
}

/// Compiles a document to Typst's paged document (layout only, no PDF).
fn compile(doc: &Document) -> Result<(MemoryWorld, PagedDocument), PdfError> {
    let world = MemoryWorld::new(doc.template, &doc.files, doc.today)?;
    let result = typst::compile::<PagedDocument>(&world).output;
    // Keep Typst's global memoization cache small in a long-running process:
    // drop results unused for the last few compilations.
    typst::comemo::evict(10);
    match result {
        Ok(paged) => Ok((world, paged)),
        Err(errs) => Err(PdfError::Compile(diagnostics(&world, &errs))),
    }
}

/// Renders a document to PDF bytes. Blocking and CPU-bound.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let (world, paged) = compile(doc)?;
    let t = doc.today;
    let options = PdfOptions {
        timestamp: Datetime::from_ymd(t.year(), u8::from(t.month()), t.day())
            .map(Timestamp::new_utc),
        creator: Smart::Custom(Some("Buitenzicht".into())),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|errs| PdfError::Export(diagnostics(&world, &errs)))
}

/// The number of pages a document lays out to, without exporting a PDF.
pub fn layout_pages(doc: &Document) -> Result<usize, PdfError> {
    Ok(compile(doc)?.1.pages().len())
}

/// The number of pages of a PDF.
pub fn page_count(pdf: &[u8]) -> Result<usize, PdfError> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| PdfError::Read(e.to_string()))?;
    Ok(doc.get_pages().len())
}

/// The text of a PDF, page after page (for tests and checks; layout and
/// spacing are approximate).
pub fn extract_text(pdf: &[u8]) -> Result<String, PdfError> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| PdfError::Read(e.to_string()))?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages)
        .map_err(|e| PdfError::Read(e.to_string()))
}
