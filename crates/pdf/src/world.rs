//! A minimal, in-memory Typst [`World`]: one main source, named virtual files,
//! the fonts embedded in `typst-assets`, a fixed "today", and no packages.
//!
//! Nothing here reads the file system, the system's fonts or the network, so a
//! document compiles to the same bytes on every machine.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::PdfError;

/// The virtual path of the main source. Virtual files may not take it.
pub(crate) const MAIN_PATH: &str = "/main.typ";

/// Typst's standard library, built once.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The fonts embedded in `typst-assets` (Libertinus Serif, New Computer
/// Modern, DejaVu Sans Mono), parsed once, with their book.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let book = FontBook::from_fonts(&fonts);
    (LazyHash::new(book), fonts)
});

/// The project-rooted file id of a virtual path such as `data.json`.
pub(crate) fn file_id(name: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(name).map_err(|e| PdfError::FileName {
        name: name.to_string(),
        reason: e.to_string(),
    })?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One compilation's world.
pub(crate) struct MemoryWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl MemoryWorld {
    pub(crate) fn new(
        template: &str,
        files: &[(String, Vec<u8>)],
        today: time::Date,
    ) -> Result<Self, PdfError> {
        let main_id = file_id(MAIN_PATH)?;
        let mut map = HashMap::with_capacity(files.len());
        for (name, bytes) in files {
            let id = file_id(name)?;
            if id == main_id {
                return Err(PdfError::FileName {
                    name: name.clone(),
                    reason: "this name is the main template's".into(),
                });
            }
            if map.insert(id, Bytes::new(bytes.clone())).is_some() {
                return Err(PdfError::FileName {
                    name: name.clone(),
                    reason: "given twice".into(),
                });
            }
        }
        let today = Datetime::from_ymd(today.year(), u8::from(today.month()), today.day())
            .ok_or(PdfError::Date(today))?;
        Ok(Self {
            main: Source::new(main_id, template.to_string()),
            files: map,
            today,
        })
    }

    /// The 1-based line of a byte offset in a file of this world (the main
    /// source or a virtual file such as `data.json`).
    pub(crate) fn line_of(&self, id: FileId, byte: usize) -> Option<usize> {
        if id == self.main.id() {
            return self.main.lines().byte_to_line(byte).map(|l| l + 1);
        }
        let bytes = self.files.get(&id)?;
        let upto = bytes.as_slice().get(..byte)?;
        Some(upto.iter().filter(|&&b| b == b'\n').count() + 1)
    }
}

/// Packages are never downloaded: a Buitenzicht document is self-contained.
fn refuse_package(id: FileId) -> Option<FileError> {
    match id.root() {
        VirtualRoot::Project => None,
        VirtualRoot::Package(spec) => Some(FileError::Package(PackageError::Other(Some(
            format!("packages are not available here ({spec}): templates must be self-contained")
                .into(),
        )))),
    }
}

impl World for MemoryWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(err) = refuse_package(id) {
            return Err(err);
        }
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(err) = refuse_package(id) {
            return Err(err);
        }
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
