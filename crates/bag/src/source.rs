//! Reading a BAG delivery as people have it: the Kadaster zip-in-zip extract
//! (`BAGNLDL-….zip` › `9999PND….zip` › `0221PND…-000001.xml`), a single
//! per-type zip, a directory of such files, or one XML file.
//!
//! Nothing is extracted to disk. Zip entries are read in archive order. An
//! inner zip that is *stored* in its parent (as Kadaster does) is read in
//! place through a seekable window; a *deflated* inner zip is read into
//! memory (one at a time, bounded by [`SourceOptions::max_inner_zip_bytes`]).
//! The XML itself is always streamed.
//!
//! Entry names decide what is read (`<gem><TYPE><date>…`): per-type zips and
//! files of unwanted object types are skipped without decompressing them;
//! `InOnderzoek` (research flags, not objects) is skipped; `Inactief` and
//! `NietBag` are skipped unless asked for; `Leveringsdocument`, `.DS_Store`
//! and `__MACOSX/` entries are skipped; other `.xml`/`.zip` names are read.

use crate::error::{BagError, ErrorBudget, ErrorKind};
use crate::model::{Date, ObjectType, ObjectTypes};
use crate::xml::{BagObjectRef, BagXmlReader, ParseOptions};
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::path::Path;
use zip::CompressionMethod;
use zip::ZipArchive;

/// What to read from a delivery.
#[derive(Clone, Debug)]
pub struct SourceOptions {
    pub parse: ParseOptions,
    /// Also read the `Inactief` files (versions made inactive).
    pub include_inactief: bool,
    /// Also read the `NietBag` files (objects no longer part of the BAG).
    pub include_niet_bag: bool,
    /// Nesting limit for zips inside zips.
    pub max_zip_depth: usize,
    /// Largest compressed inner zip that is read into memory.
    pub max_inner_zip_bytes: u64,
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            parse: ParseOptions::default(),
            include_inactief: false,
            include_niet_bag: false,
            max_zip_depth: 4,
            max_inner_zip_bytes: 2 << 30,
        }
    }
}

impl SourceOptions {
    /// Only these object types.
    pub fn types(types: &[ObjectType]) -> SourceOptions {
        let mut o = SourceOptions::default();
        o.parse.types = ObjectTypes::of(types);
        o
    }
}

/// What was read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceStats {
    /// XML files parsed.
    pub files: u64,
    /// Entries and files skipped by name.
    pub skipped: u64,
    /// Uncompressed XML bytes parsed.
    pub bytes: u64,
    /// Objects returned without error, per type (index: `ObjectType as usize`).
    pub objects: [u64; 8],
    /// Errors pushed into the budget.
    pub errors: u64,
    /// The latest `StandTechnischeDatum` seen.
    pub stand_technische_datum: Option<Date>,
}

impl SourceStats {
    pub fn count(&self, t: ObjectType) -> u64 {
        self.objects[t as usize]
    }

    pub fn total_objects(&self) -> u64 {
        self.objects.iter().sum()
    }
}

/// How an entry name is handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryAction {
    Skip,
    ReadZip,
    ReadXml,
}

/// Decides from its name (path inside a zip, or file name) what to do with
/// an entry. See the module documentation for the rules.
pub fn classify_entry(name: &str, opts: &SourceOptions) -> EntryAction {
    if name.ends_with('/') || name.ends_with('\\') {
        return EntryAction::Skip;
    }
    if name.split(['/', '\\']).any(|c| c == "__MACOSX") {
        return EntryAction::Skip;
    }
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.starts_with('.') {
        return EntryAction::Skip;
    }
    let lower = base.to_ascii_lowercase();
    let action = if lower.ends_with(".zip") {
        EntryAction::ReadZip
    } else if lower.ends_with(".xml") {
        EntryAction::ReadXml
    } else {
        return EntryAction::Skip;
    };
    let types = opts.parse.types;
    if lower.starts_with("gem-wpl-relatie") {
        return if types.contains(ObjectType::GemeenteWoonplaats) {
            action
        } else {
            EntryAction::Skip
        };
    }
    if lower.contains("leveringsdocument") {
        return EntryAction::Skip;
    }
    let b = base.as_bytes();
    if b.len() < 7 || !b[..4].iter().all(u8::is_ascii_digit) {
        return action;
    }
    let rest = &base[4..];
    let want = |t: &str| ObjectType::from_code(t.as_bytes()).is_some_and(|t| types.contains(t));
    fn type_at(s: &str) -> Option<&str> {
        s.get(..3)
            .filter(|t| ObjectType::from_code(t.as_bytes()).is_some())
    }
    let keep = if rest.starts_with("InOnderzoek")
        || (rest.starts_with("IO") && rest.get(2..).and_then(type_at).is_some())
    {
        false
    } else if rest.starts_with("Inactief") {
        opts.include_inactief
    } else if rest.starts_with("NietBag") {
        opts.include_niet_bag
    } else if let Some(t) = rest.strip_prefix("IA").and_then(type_at) {
        opts.include_inactief && want(t)
    } else if let Some(t) = rest.strip_prefix("NB").and_then(type_at) {
        opts.include_niet_bag && want(t)
    } else if let Some(t) = type_at(rest) {
        want(t)
    } else {
        true
    };
    if keep { action } else { EntryAction::Skip }
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// Calls `visit(name, xml)` for every XML file to read in `path` (a zip, a
/// directory or an XML file). Problems opening files or zips go into
/// `budget`; reading continues with the next file.
pub fn for_each_xml(
    path: &Path,
    opts: &SourceOptions,
    budget: &mut ErrorBudget,
    visit: &mut dyn FnMut(&str, &mut dyn BufRead, &mut ErrorBudget),
) -> SourceStats {
    let mut w = Walker {
        opts,
        budget,
        visit,
        stats: SourceStats::default(),
    };
    w.path(path, &path.display().to_string(), true);
    w.stats
}

struct Walker<'a> {
    opts: &'a SourceOptions,
    budget: &'a mut ErrorBudget,
    visit: &'a mut dyn FnMut(&str, &mut dyn BufRead, &mut ErrorBudget),
    stats: SourceStats,
}

impl Walker<'_> {
    fn error(&mut self, e: BagError) {
        self.stats.errors += 1;
        self.budget.push(e);
    }

    fn path(&mut self, path: &Path, name: &str, top: bool) {
        if path.is_dir() {
            let mut entries = match std::fs::read_dir(path) {
                Ok(rd) => rd
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .collect::<Vec<_>>(),
                Err(e) => return self.error(BagError::new(name, ErrorKind::Open(e))),
            };
            entries.sort();
            for p in entries {
                let n = p.display().to_string();
                self.path(&p, &n, false);
            }
            return;
        }
        let action = classify_entry(name, self.opts);
        let lower = name.to_ascii_lowercase();
        // A file named explicitly is read whatever its name, by extension.
        let action = match action {
            EntryAction::Skip if top && lower.ends_with(".zip") => EntryAction::ReadZip,
            EntryAction::Skip if top => EntryAction::ReadXml,
            a => a,
        };
        let file = match action {
            EntryAction::Skip => {
                self.stats.skipped += 1;
                return;
            }
            _ => match File::open(path) {
                Ok(f) => f,
                Err(e) => return self.error(BagError::new(name, ErrorKind::Open(e))),
            },
        };
        match action {
            EntryAction::ReadZip => {
                let mut f = BufReader::with_capacity(64 * 1024, file);
                let r: &mut dyn ReadSeek = &mut f;
                self.zip(r, name, 1);
            }
            _ => {
                let mut r = BufReader::with_capacity(256 * 1024, file);
                self.xml(&mut r, name);
            }
        }
    }

    fn xml(&mut self, r: &mut dyn BufRead, name: &str) {
        self.stats.files += 1;
        (self.visit)(name, r, self.budget);
    }

    fn zip(&mut self, r: &mut dyn ReadSeek, name: &str, depth: usize) {
        if depth > self.opts.max_zip_depth {
            return self.error(BagError::new(
                name,
                ErrorKind::Limit(format!(
                    "zip files nested more than {} deep",
                    self.opts.max_zip_depth
                )),
            ));
        }
        let mut archive = match ZipArchive::new(r) {
            Ok(a) => a,
            Err(e) => return self.error(BagError::new(name, ErrorKind::Zip(e.to_string()))),
        };
        for i in 0..archive.len() {
            let (entry_name, compression, compressed, is_dir) = match archive.by_index_data(i) {
                Ok(e) => (
                    String::from_utf8_lossy(e.name_raw()).into_owned(),
                    e.compression(),
                    e.compressed_size(),
                    e.is_dir(),
                ),
                Err(e) => {
                    self.error(BagError::new(name, ErrorKind::Zip(e.to_string())));
                    continue;
                }
            };
            let full = format!("{name}!/{entry_name}");
            let action = if is_dir {
                EntryAction::Skip
            } else {
                classify_entry(&entry_name, self.opts)
            };
            match action {
                EntryAction::Skip => self.stats.skipped += 1,
                EntryAction::ReadXml => match archive.by_index(i) {
                    Ok(f) => {
                        let mut br = BufReader::with_capacity(256 * 1024, f);
                        self.xml(&mut br, &full);
                    }
                    Err(e) => self.error(BagError::new(full, ErrorKind::Zip(e.to_string()))),
                },
                EntryAction::ReadZip if compression == CompressionMethod::Stored => {
                    match archive.by_index_seek(i) {
                        Ok(mut f) => {
                            let inner: &mut dyn ReadSeek = &mut f;
                            self.zip(inner, &full, depth + 1);
                        }
                        Err(e) => self.error(BagError::new(full, ErrorKind::Zip(e.to_string()))),
                    }
                }
                EntryAction::ReadZip => {
                    if compressed > self.opts.max_inner_zip_bytes {
                        self.error(BagError::new(
                            full,
                            ErrorKind::Limit(format!(
                                "compressed inner zip of {compressed} bytes exceeds the in-memory limit of {} bytes",
                                self.opts.max_inner_zip_bytes
                            )),
                        ));
                        continue;
                    }
                    let mut data = Vec::new();
                    let read = archive
                        .by_index(i)
                        .map_err(|e| ErrorKind::Zip(e.to_string()))
                        .and_then(|f| {
                            f.take(self.opts.max_inner_zip_bytes.saturating_mul(4))
                                .read_to_end(&mut data)
                                .map_err(ErrorKind::Io)
                        });
                    match read {
                        Ok(_) => {
                            let mut c = Cursor::new(data);
                            let inner: &mut dyn ReadSeek = &mut c;
                            self.zip(inner, &full, depth + 1);
                        }
                        Err(k) => self.error(BagError::new(full, k)),
                    }
                }
            }
        }
    }
}

/// Reads every wanted object in `path` (zip-in-zip, zip, directory or XML
/// file) and calls `f` for each one read without error. Errors (per object,
/// per file, per zip) go into `budget`; reading goes on. Returns counts.
pub fn read_bag(
    path: &Path,
    opts: &SourceOptions,
    budget: &mut ErrorBudget,
    mut f: impl FnMut(BagObjectRef<'_>),
) -> SourceStats {
    let mut objects = [0u64; 8];
    let mut bytes = 0u64;
    let mut errors = 0u64;
    let mut stand: Option<Date> = None;
    let parse = opts.parse.clone();
    let mut stats = for_each_xml(path, opts, budget, &mut |name, r, budget| {
        let (b, e) = read_xml_into(r, name, &parse, budget, &mut objects, &mut stand, &mut f);
        bytes += b;
        errors += e;
    });
    stats.objects = objects;
    stats.bytes = bytes;
    stats.errors += errors;
    stats.stand_technische_datum = stand;
    stats
}

fn read_xml_into(
    r: &mut dyn BufRead,
    name: &str,
    parse: &ParseOptions,
    budget: &mut ErrorBudget,
    objects: &mut [u64; 8],
    stand: &mut Option<Date>,
    f: &mut impl FnMut(BagObjectRef<'_>),
) -> (u64, u64) {
    let mut reader = BagXmlReader::new(r, name, parse.clone());
    let mut errors = 0;
    loop {
        match reader.read_next() {
            Ok(Some(o)) => {
                objects[o.object_type() as usize] += 1;
                f(o);
            }
            Ok(None) => break,
            Err(e) => {
                errors += 1;
                budget.push(e);
                if reader.is_finished() {
                    break;
                }
            }
        }
    }
    if let Some(d) = reader.stand_technische_datum() {
        *stand = Some(stand.map_or(d, |s| s.max(d)));
    }
    (reader.bytes_read(), errors)
}

/// Like [`read_bag`] for a zip that is already open (e.g. an upload held in
/// memory): `name` is used in errors.
pub fn read_bag_zip<R: Read + Seek>(
    mut zip: R,
    name: &str,
    opts: &SourceOptions,
    budget: &mut ErrorBudget,
    mut f: impl FnMut(BagObjectRef<'_>),
) -> SourceStats {
    let mut objects = [0u64; 8];
    let mut bytes = 0u64;
    let mut errors = 0u64;
    let mut stand: Option<Date> = None;
    let parse = opts.parse.clone();
    let mut visit = |name: &str, r: &mut dyn BufRead, budget: &mut ErrorBudget| {
        let (b, e) = read_xml_into(r, name, &parse, budget, &mut objects, &mut stand, &mut f);
        bytes += b;
        errors += e;
    };
    let mut w = Walker {
        opts,
        budget,
        visit: &mut visit,
        stats: SourceStats::default(),
    };
    let r: &mut dyn ReadSeek = &mut zip;
    w.zip(r, name, 1);
    let mut stats = w.stats;
    stats.objects = objects;
    stats.bytes = bytes;
    stats.errors += errors;
    stats.stand_technische_datum = stand;
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names() {
        let all = SourceOptions::default();
        let c = |n: &str| classify_entry(n, &all);
        assert_eq!(c("9999PND15092020.zip"), EntryAction::ReadZip);
        assert_eq!(c("0221PND15092020-000001.xml"), EntryAction::ReadXml);
        assert_eq!(c("9999InOnderzoek15092020.zip"), EntryAction::Skip);
        assert_eq!(c("0221IOVBO15092020.zip"), EntryAction::Skip);
        assert_eq!(c("9999Inactief15092020.zip"), EntryAction::Skip);
        assert_eq!(c("9999NietBag15092020.zip"), EntryAction::Skip);
        assert_eq!(c("0221NBNUM15092020-000001.xml"), EntryAction::Skip);
        assert_eq!(c("Leveringsdocument-BAG-Extract.xml"), EntryAction::Skip);
        assert_eq!(c(".DS_Store"), EntryAction::Skip);
        assert_eq!(
            c("__MACOSX/._0221WPL15092020-000001.xml"),
            EntryAction::Skip
        );
        assert_eq!(c("GEM-WPL-RELATIE-15092020.zip"), EntryAction::ReadZip);
        assert_eq!(c("panden.xml"), EntryAction::ReadXml);
        assert_eq!(c("readme.txt"), EntryAction::Skip);
        let vbo = SourceOptions::types(&[ObjectType::Verblijfsobject]);
        assert_eq!(
            classify_entry("9999PND15092020.zip", &vbo),
            EntryAction::Skip
        );
        assert_eq!(
            classify_entry("9999VBO15092020.zip", &vbo),
            EntryAction::ReadZip
        );
        assert_eq!(
            classify_entry("GEM-WPL-RELATIE-15092020.zip", &vbo),
            EntryAction::Skip
        );
        let ia = SourceOptions {
            include_inactief: true,
            ..SourceOptions::default()
        };
        assert_eq!(
            classify_entry("9999Inactief15092020.zip", &ia),
            EntryAction::ReadZip
        );
        assert_eq!(
            classify_entry("0221IAVBO15092020.zip", &ia),
            EntryAction::ReadZip
        );
    }
}
