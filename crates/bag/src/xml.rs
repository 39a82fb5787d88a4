//! Streaming pull parser for BAG 2.0 Extract XML (Kadaster `lvbag-extract`,
//! schema v20200601).
//!
//! [`BagXmlReader`] reads any [`BufRead`] one object at a time in constant
//! memory: it reuses one record per object type, one event buffer and one
//! text buffer, so a steady stream of objects allocates nothing (except free
//! text such as street names). Elements are matched on their local name, so
//! the namespace prefixes of the file do not matter.
//!
//! Errors inside an object (a bad number, a missing element, an invalid
//! ring) are *recoverable*: the reader finishes the object, returns the first
//! error with the object's identificatie, and continues with the next object.
//! Malformed XML ends the file (the reader then returns `None`).

use crate::error::{BagError, ErrorKind, GeometryError};
use crate::geom::{MultiPolygon, Point, RingProblem, check_ring_simple, check_ring_structure};
use crate::model::*;
use crate::num::{parse_f64, parse_u64, tokens, trim};
use quick_xml::events::Event;
use std::io::{self, BufRead, Read};
use std::mem;

/// What to read and how strictly.
#[derive(Clone, Debug)]
pub struct ParseOptions {
    /// Object types to return; other objects are skipped without decoding.
    pub types: ObjectTypes,
    /// Reject rings that touch or cross themselves (exact test). Structural
    /// checks (closed, at least 4 positions, whole positions, `count`) are
    /// always made. Default: on.
    pub check_self_intersection: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            types: ObjectTypes::ALL,
            check_self_intersection: true,
        }
    }
}

/// A borrowed record: valid until the next call of
/// [`BagXmlReader::read_next`].
#[derive(Clone, Copy, Debug)]
pub enum BagObjectRef<'a> {
    Verblijfsobject(&'a Verblijfsobject),
    Pand(&'a Pand),
    Nummeraanduiding(&'a Nummeraanduiding),
    OpenbareRuimte(&'a OpenbareRuimte),
    Woonplaats(&'a Woonplaats),
    Plaats(&'a Plaats),
    GemeenteWoonplaats(&'a GemeenteWoonplaats),
}

impl BagObjectRef<'_> {
    pub fn to_owned(&self) -> BagObject {
        match *self {
            BagObjectRef::Verblijfsobject(o) => BagObject::Verblijfsobject(o.clone()),
            BagObjectRef::Pand(o) => BagObject::Pand(o.clone()),
            BagObjectRef::Nummeraanduiding(o) => BagObject::Nummeraanduiding(o.clone()),
            BagObjectRef::OpenbareRuimte(o) => BagObject::OpenbareRuimte(o.clone()),
            BagObjectRef::Woonplaats(o) => BagObject::Woonplaats(o.clone()),
            BagObjectRef::Plaats(o) => BagObject::Plaats(o.clone()),
            BagObjectRef::GemeenteWoonplaats(o) => BagObject::GemeenteWoonplaats(o.clone()),
        }
    }

    pub fn object_type(&self) -> ObjectType {
        match self {
            BagObjectRef::Verblijfsobject(_) => ObjectType::Verblijfsobject,
            BagObjectRef::Pand(_) => ObjectType::Pand,
            BagObjectRef::Nummeraanduiding(_) => ObjectType::Nummeraanduiding,
            BagObjectRef::OpenbareRuimte(_) => ObjectType::OpenbareRuimte,
            BagObjectRef::Woonplaats(_) => ObjectType::Woonplaats,
            BagObjectRef::Plaats(p) => match p.soort {
                PlaatsSoort::Ligplaats => ObjectType::Ligplaats,
                PlaatsSoort::Standplaats => ObjectType::Standplaats,
            },
            BagObjectRef::GemeenteWoonplaats(_) => ObjectType::GemeenteWoonplaats,
        }
    }
}

/// Counts lines of the bytes the XML parser consumes, so that any position
/// can be reported as line and column without a second pass.
struct Counter<R> {
    inner: R,
    pos: u64,
    /// Newlines consumed.
    lines: u64,
    /// Offset of the first byte of the current line.
    line_start: u64,
}

impl<R: BufRead> Read for Counter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let b = self.fill_buf()?;
            let n = b.len().min(out.len());
            out[..n].copy_from_slice(&b[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if amt > 0
            && let Ok(b) = self.inner.fill_buf()
        {
            let c = &b[..amt.min(b.len())];
            // Most consumes are one event (tens of bytes): a plain loop beats
            // the SIMD set-up there.
            if c.len() <= 128 {
                let mut n = 0u64;
                let mut last = usize::MAX;
                for (i, &ch) in c.iter().enumerate() {
                    if ch == b'\n' {
                        n += 1;
                        last = i;
                    }
                }
                if n > 0 {
                    self.lines += n;
                    self.line_start = self.pos + last as u64 + 1;
                }
            } else if let Some(last) = memchr::memrchr(b'\n', c) {
                self.lines += memchr::memchr_iter(b'\n', c).count() as u64;
                self.line_start = self.pos + last as u64 + 1;
            }
        }
        self.pos += amt as u64;
        self.inner.consume(amt);
    }
}

/// 1-based line and byte column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pos {
    line: u64,
    col: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Vbo,
    Pnd,
    Num,
    Opr,
    Wpl,
    Lig,
    Sta,
    Gwr,
}

impl Kind {
    fn object_type(self) -> ObjectType {
        match self {
            Kind::Vbo => ObjectType::Verblijfsobject,
            Kind::Pnd => ObjectType::Pand,
            Kind::Num => ObjectType::Nummeraanduiding,
            Kind::Opr => ObjectType::OpenbareRuimte,
            Kind::Wpl => ObjectType::Woonplaats,
            Kind::Lig => ObjectType::Ligplaats,
            Kind::Sta => ObjectType::Standplaats,
            Kind::Gwr => ObjectType::GemeenteWoonplaats,
        }
    }

    fn from_local(name: &str) -> Option<Kind> {
        Some(match name {
            "Verblijfsobject" => Kind::Vbo,
            "Pand" => Kind::Pnd,
            "Nummeraanduiding" => Kind::Num,
            "OpenbareRuimte" => Kind::Opr,
            "Woonplaats" => Kind::Wpl,
            "Ligplaats" => Kind::Lig,
            "Standplaats" => Kind::Sta,
            "GemeenteWoonplaatsRelatie" => Kind::Gwr,
            _ => return None,
        })
    }
}

/// Local names the parser reacts to inside an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Tag {
    Object,
    Identificatie,
    Status,
    Gebruiksdoel,
    Oppervlakte,
    Geometrie,
    HeeftAlsHoofdadres,
    HeeftAlsNevenadres,
    MaaktDeelUitVan,
    NummeraanduidingRef,
    PandRef,
    OpenbareRuimteRef,
    WoonplaatsRef,
    OorspronkelijkBouwjaar,
    Huisnummer,
    Huisletter,
    Huisnummertoevoeging,
    Postcode,
    TypeAdresseerbaarObject,
    LigtAan,
    LigtIn,
    Naam,
    Type,
    VerkorteNaam,
    VerkorteNaamOpenbareRuimte,
    Voorkomen,
    VoorkomenItem,
    Voorkomenidentificatie,
    BeginGeldigheid,
    EindGeldigheid,
    TijdstipRegistratie,
    EindRegistratie,
    TijdstipInactief,
    BeschikbaarLV,
    TijdstipNietBagLV,
    BegindatumTijdvak,
    EinddatumTijdvak,
    GerelateerdeWoonplaats,
    GerelateerdeGemeente,
    Point,
    Pos,
    PosList,
    Polygon,
    Surface,
    MultiSurface,
    Exterior,
    Interior,
    LinearRing,
    Other,
}

impl Tag {
    #[inline]
    fn classify(local: &str) -> Tag {
        use Tag::*;
        match local {
            "identificatie" => Identificatie,
            "status" => Status,
            "gebruiksdoel" => Gebruiksdoel,
            "oppervlakte" => Oppervlakte,
            "geometrie" => Geometrie,
            "heeftAlsHoofdadres" => HeeftAlsHoofdadres,
            "heeftAlsNevenadres" => HeeftAlsNevenadres,
            "maaktDeelUitVan" => MaaktDeelUitVan,
            "NummeraanduidingRef" => NummeraanduidingRef,
            "PandRef" => PandRef,
            "OpenbareRuimteRef" => OpenbareRuimteRef,
            "WoonplaatsRef" => WoonplaatsRef,
            "oorspronkelijkBouwjaar" => OorspronkelijkBouwjaar,
            "huisnummer" => Huisnummer,
            "huisletter" => Huisletter,
            "huisnummertoevoeging" => Huisnummertoevoeging,
            "postcode" => Postcode,
            "typeAdresseerbaarObject" => TypeAdresseerbaarObject,
            "ligtAan" => LigtAan,
            "ligtIn" => LigtIn,
            "naam" => Naam,
            "type" => Type,
            "verkorteNaam" => VerkorteNaam,
            "VerkorteNaamOpenbareRuimte" => VerkorteNaamOpenbareRuimte,
            "voorkomen" => Voorkomen,
            "Voorkomen" => VoorkomenItem,
            "voorkomenidentificatie" => Voorkomenidentificatie,
            "beginGeldigheid" => BeginGeldigheid,
            "eindGeldigheid" => EindGeldigheid,
            "tijdstipRegistratie" => TijdstipRegistratie,
            "eindRegistratie" => EindRegistratie,
            "tijdstipInactief" => TijdstipInactief,
            "BeschikbaarLV" => BeschikbaarLV,
            "tijdstipNietBagLV" => TijdstipNietBagLV,
            "begindatumTijdvakGeldigheid" => BegindatumTijdvak,
            "einddatumTijdvakGeldigheid" => EinddatumTijdvak,
            "gerelateerdeWoonplaats" => GerelateerdeWoonplaats,
            "gerelateerdeGemeente" => GerelateerdeGemeente,
            "Point" => Point,
            "pos" => Pos,
            "posList" => PosList,
            "Polygon" | "PolygonPatch" => Polygon,
            "Surface" => Surface,
            "MultiSurface" => MultiSurface,
            "exterior" => Exterior,
            "interior" => Interior,
            "LinearRing" => LinearRing,
            _ => Other,
        }
    }

    /// Elements whose text the parser reads.
    fn is_leaf(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Identificatie
                | Status
                | Gebruiksdoel
                | Oppervlakte
                | NummeraanduidingRef
                | PandRef
                | OpenbareRuimteRef
                | WoonplaatsRef
                | OorspronkelijkBouwjaar
                | Huisnummer
                | Huisletter
                | Huisnummertoevoeging
                | Postcode
                | TypeAdresseerbaarObject
                | Naam
                | Type
                | VerkorteNaam
                | Voorkomenidentificatie
                | BeginGeldigheid
                | EindGeldigheid
                | TijdstipRegistratie
                | EindRegistratie
                | TijdstipInactief
                | TijdstipNietBagLV
                | BegindatumTijdvak
                | EinddatumTijdvak
                | Pos
                | PosList
        )
    }

    fn has_geo_attrs(self) -> bool {
        matches!(
            self,
            Tag::Point | Tag::Polygon | Tag::Surface | Tag::MultiSurface | Tag::PosList
        )
    }

    /// The element as it is conventionally written in the extract.
    fn qname(self) -> &'static str {
        use Tag::*;
        match self {
            Object => "object",
            Identificatie => "Objecten:identificatie",
            Status => "Objecten:status",
            Gebruiksdoel => "Objecten:gebruiksdoel",
            Oppervlakte => "Objecten:oppervlakte",
            Geometrie => "Objecten:geometrie",
            HeeftAlsHoofdadres => "Objecten:heeftAlsHoofdadres",
            HeeftAlsNevenadres => "Objecten:heeftAlsNevenadres",
            MaaktDeelUitVan => "Objecten:maaktDeelUitVan",
            NummeraanduidingRef => "Objecten-ref:NummeraanduidingRef",
            PandRef => "Objecten-ref:PandRef",
            OpenbareRuimteRef => "Objecten-ref:OpenbareRuimteRef",
            WoonplaatsRef => "Objecten-ref:WoonplaatsRef",
            OorspronkelijkBouwjaar => "Objecten:oorspronkelijkBouwjaar",
            Huisnummer => "Objecten:huisnummer",
            Huisletter => "Objecten:huisletter",
            Huisnummertoevoeging => "Objecten:huisnummertoevoeging",
            Postcode => "Objecten:postcode",
            TypeAdresseerbaarObject => "Objecten:typeAdresseerbaarObject",
            LigtAan => "Objecten:ligtAan",
            LigtIn => "Objecten:ligtIn",
            Naam => "Objecten:naam",
            Type => "Objecten:type",
            VerkorteNaam => "nen5825:verkorteNaam",
            VerkorteNaamOpenbareRuimte => "nen5825:VerkorteNaamOpenbareRuimte",
            Voorkomen => "Objecten:voorkomen",
            VoorkomenItem => "Historie:Voorkomen",
            Voorkomenidentificatie => "Historie:voorkomenidentificatie",
            BeginGeldigheid => "Historie:beginGeldigheid",
            EindGeldigheid => "Historie:eindGeldigheid",
            TijdstipRegistratie => "Historie:tijdstipRegistratie",
            EindRegistratie => "Historie:eindRegistratie",
            TijdstipInactief => "Historie:tijdstipInactief",
            BeschikbaarLV => "Historie:BeschikbaarLV",
            TijdstipNietBagLV => "Historie:tijdstipNietBagLV",
            BegindatumTijdvak => "bagtypes:begindatumTijdvakGeldigheid",
            EinddatumTijdvak => "bagtypes:einddatumTijdvakGeldigheid",
            GerelateerdeWoonplaats => "gwr-product:gerelateerdeWoonplaats",
            GerelateerdeGemeente => "gwr-product:gerelateerdeGemeente",
            Point => "gml:Point",
            Pos => "gml:pos",
            PosList => "gml:posList",
            Polygon => "gml:Polygon",
            Surface => "gml:Surface",
            MultiSurface => "gml:MultiSurface",
            Exterior => "gml:exterior",
            Interior => "gml:interior",
            LinearRing => "gml:LinearRing",
            Other => "element",
        }
    }

    #[inline]
    fn bit(self) -> u64 {
        1u64 << (self as u8)
    }
}

/// Attributes of GML elements that matter.
#[derive(Clone, Copy, Debug, Default)]
struct GeoAttrs {
    /// srsDimension: Some(Ok(d)) if 2 or 3, Some(Err) if something else.
    dim: Option<Result<u8, ()>>,
    /// srsName is present and not RD New.
    bad_srs: bool,
    count: Option<usize>,
}

fn read_geo_attrs(e: &quick_xml::events::BytesStart<'_>, bad_srs_text: &mut String) -> GeoAttrs {
    let mut a = GeoAttrs::default();
    for attr in e.attributes().with_checks(false).flatten() {
        match attr.key.local_name().as_ref() {
            "srsDimension" => {
                a.dim = Some(match attr.value.trim() {
                    "2" => Ok(2),
                    "3" => Ok(3),
                    other => {
                        bad_srs_text.clear();
                        bad_srs_text.push_str(other);
                        Err(())
                    }
                })
            }
            "srsName" if !attr.value.contains("28992") => {
                a.bad_srs = true;
                bad_srs_text.clear();
                bad_srs_text.push_str(&attr.value);
            }
            "count" => a.count = parse_u64(attr.value.trim().as_bytes()).map(|c| c as usize),
            _ => {}
        }
    }
    a
}

/// A recoverable problem with the current element.
struct Fail {
    kind: ErrorKind,
    /// Byte offset inside the element text, for a precise column.
    offset: Option<usize>,
}

impl From<ErrorKind> for Fail {
    fn from(kind: ErrorKind) -> Fail {
        Fail { kind, offset: None }
    }
}

fn invalid(v: &[u8], expected: &'static str) -> Fail {
    let mut value = String::from_utf8_lossy(v).into_owned();
    if value.len() > 80 {
        let mut cut = 77;
        while !value.is_char_boundary(cut) {
            cut -= 1;
        }
        value.truncate(cut);
        value.push_str("...");
    }
    ErrorKind::Invalid { value, expected }.into()
}

fn id16(v: &[u8]) -> Result<BagId, Fail> {
    if v.len() == 16
        && let Some(id) = BagId::parse(v)
    {
        return Ok(id);
    }
    Err(invalid(v, "a 16-digit BAG identificatie"))
}

fn any_id(v: &[u8]) -> Result<BagId, Fail> {
    BagId::parse(v).ok_or_else(|| invalid(v, "a BAG identificatie (digits)"))
}

fn date(v: &[u8]) -> Result<Date, Fail> {
    Date::parse(v).ok_or_else(|| invalid(v, "a date YYYY-MM-DD"))
}

fn timestamp(v: &[u8]) -> Result<Timestamp, Fail> {
    Timestamp::parse(v).ok_or_else(|| invalid(v, "a date-time YYYY-MM-DDThh:mm:ss"))
}

fn text(v: &[u8]) -> Result<&str, Fail> {
    std::str::from_utf8(v).map_err(|_| Fail::from(ErrorKind::NotUtf8))
}

fn status<T>(v: &[u8], parse: fn(&[u8]) -> Option<T>) -> Result<T, Fail> {
    parse(v).ok_or_else(|| invalid(v, "a known status"))
}

/// The streaming reader. See the module documentation.
pub struct BagXmlReader<R: BufRead> {
    xml: quick_xml::Reader<Counter<R>>,
    buf: Vec<u8>,
    text: Vec<u8>,
    file: String,
    opts: ParseOptions,
    done: bool,
    objects: u64,
    stand: Option<Date>,
    skip_name: String,
    scratch: String,

    // Current object.
    kind: Kind,
    object_pos: Pos,
    stack: Vec<Tag>,
    seen: u64,
    capturing: bool,
    text_pos: Pos,
    err: Option<BagError>,

    // Geometry under construction.
    in_geom: bool,
    geo_dim: Option<u8>,
    poly: MultiPolygon,
    point: Option<[f64; 2]>,
    poslist_attrs: GeoAttrs,
    ring_pos: Pos,
    ring_poslist: Option<(Pos, usize)>,

    // One reusable record per type.
    vbo: Verblijfsobject,
    pnd: Pand,
    num: Nummeraanduiding,
    opr: OpenbareRuimte,
    wpl: Woonplaats,
    pla: Plaats,
    gwr: GemeenteWoonplaats,
}

impl<R: BufRead> BagXmlReader<R> {
    /// `file` names the source in errors (e.g. `BAG.zip!/9999PND.zip!/x.xml`).
    pub fn new(reader: R, file: impl Into<String>, opts: ParseOptions) -> Self {
        let mut xml = quick_xml::Reader::from_reader(Counter {
            inner: reader,
            pos: 0,
            lines: 0,
            line_start: 0,
        });
        let c = xml.config_mut();
        c.check_end_names = true;
        c.expand_empty_elements = false;
        c.trim_text(false);
        BagXmlReader {
            xml,
            buf: Vec::with_capacity(4096),
            text: Vec::with_capacity(4096),
            file: file.into(),
            opts,
            done: false,
            objects: 0,
            stand: None,
            skip_name: String::new(),
            scratch: String::new(),
            kind: Kind::Vbo,
            object_pos: Pos::default(),
            stack: Vec::with_capacity(16),
            seen: 0,
            capturing: false,
            text_pos: Pos::default(),
            err: None,
            in_geom: false,
            geo_dim: None,
            poly: MultiPolygon::new(),
            point: None,
            poslist_attrs: GeoAttrs::default(),
            ring_pos: Pos::default(),
            ring_poslist: None,
            vbo: Verblijfsobject::default(),
            pnd: Pand::default(),
            num: Nummeraanduiding::default(),
            opr: OpenbareRuimte::default(),
            wpl: Woonplaats::default(),
            pla: Plaats::default(),
            gwr: GemeenteWoonplaats::default(),
        }
    }

    /// The name used in errors.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Objects returned so far (with or without error).
    pub fn objects_read(&self) -> u64 {
        self.objects
    }

    /// Bytes of XML consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.xml.get_ref().pos
    }

    /// True after the end of the file or a fatal (XML or I/O) error.
    pub fn is_finished(&self) -> bool {
        self.done
    }

    /// `selecties-extract:StandTechnischeDatum` of the file, once read (it
    /// precedes the objects).
    pub fn stand_technische_datum(&self) -> Option<Date> {
        self.stand
    }

    #[inline]
    fn here(&self) -> Pos {
        let c = self.xml.get_ref();
        Pos {
            line: c.lines + 1,
            col: c.pos - c.line_start + 1,
        }
    }

    fn fatal(&mut self, kind: ErrorKind) -> BagError {
        self.done = true;
        let p = self.here();
        let mut e = BagError::new(self.file.clone(), kind).at(p.line, p.col);
        if !self.stack.is_empty() {
            e = self.with_object(e);
            self.stack.clear();
        }
        e
    }

    fn with_object(&self, e: BagError) -> BagError {
        let id = match self.kind {
            Kind::Vbo => self.vbo.identificatie,
            Kind::Pnd => self.pnd.identificatie,
            Kind::Num => self.num.identificatie,
            Kind::Opr => self.opr.identificatie,
            Kind::Wpl => self.wpl.identificatie,
            Kind::Lig | Kind::Sta => self.pla.identificatie,
            Kind::Gwr => self.gwr.woonplaats,
        };
        let id = if self.seen & Tag::Identificatie.bit() != 0
            || (self.kind == Kind::Gwr && self.seen & Tag::GerelateerdeWoonplaats.bit() != 0)
        {
            id.to_string()
        } else {
            format!("(line {})", self.object_pos.line)
        };
        e.object(self.kind.object_type(), id)
    }

    fn xml_error(&mut self, e: quick_xml::Error) -> BagError {
        let kind = match e {
            quick_xml::Error::Io(io) => ErrorKind::Io(io::Error::new(io.kind(), io.to_string())),
            other => ErrorKind::Xml(other.to_string()),
        };
        self.fatal(kind)
    }

    /// Reads the next object of a wanted type. `Ok(None)` at the end of the
    /// file (or after a fatal error). After an `Err` that
    /// [`is_finished`](Self::is_finished) is false for, reading continues
    /// with the next object.
    pub fn read_next(&mut self) -> Result<Option<BagObjectRef<'_>>, BagError> {
        if self.done {
            return Ok(None);
        }
        let mut stand_capture = false;
        loop {
            let before = self.here();
            self.buf.clear();
            enum Top {
                Object(Kind),
                Skip,
                Stand,
                None,
            }
            let action = match self.xml.read_event_into(&mut self.buf) {
                Err(e) => return Err(self.xml_error(e)),
                Ok(Event::Start(e)) => {
                    let local = e.local_name();
                    match Kind::from_local(local.as_ref()) {
                        Some(k) if self.opts.types.contains(k.object_type()) => Top::Object(k),
                        Some(_) => {
                            self.skip_name.clear();
                            self.skip_name.push_str(e.name().as_ref());
                            Top::Skip
                        }
                        None if local.as_ref() == "StandTechnischeDatum" => Top::Stand,
                        None => Top::None,
                    }
                }
                Ok(Event::Text(t)) => {
                    if stand_capture {
                        self.text.extend_from_slice(t.as_bytes());
                    }
                    Top::None
                }
                Ok(Event::End(_)) => {
                    if stand_capture {
                        stand_capture = false;
                        self.stand = Date::parse(trim(&self.text));
                    }
                    Top::None
                }
                Ok(Event::Eof) => {
                    self.done = true;
                    return Ok(None);
                }
                Ok(_) => Top::None,
            };
            match action {
                Top::Object(k) => {
                    self.begin_object(k, before);
                    return self.read_object();
                }
                Top::Skip => {
                    let name = quick_xml::name::QName(self.skip_name.as_str());
                    if let Err(e) = self.xml.read_to_end_into(name, &mut self.buf) {
                        return Err(self.xml_error(e));
                    }
                }
                Top::Stand => {
                    stand_capture = true;
                    self.text.clear();
                }
                Top::None => {}
            }
        }
    }

    fn begin_object(&mut self, k: Kind, pos: Pos) {
        self.kind = k;
        self.object_pos = pos;
        self.stack.clear();
        self.stack.push(Tag::Object);
        self.seen = 0;
        self.capturing = false;
        self.err = None;
        self.in_geom = false;
        self.point = None;
        self.poly.clear();
        match k {
            Kind::Vbo => {
                let v = &mut self.vbo;
                v.identificatie = BagId::default();
                v.status = VboStatus::default();
                v.gebruiksdoelen.clear();
                v.oppervlakte = 0;
                v.punt = Point::default();
                v.vlak = None;
                v.hoofdadres = BagId::default();
                v.nevenadressen.clear();
                v.panden.clear();
                v.voorkomen = Voorkomen::default();
            }
            Kind::Pnd => {
                let p = &mut self.pnd;
                p.identificatie = BagId::default();
                p.status = PandStatus::default();
                p.oorspronkelijk_bouwjaar = 0;
                p.geometrie.clear();
                p.voorkomen = Voorkomen::default();
            }
            Kind::Num => self.num = Nummeraanduiding::default(),
            Kind::Opr => {
                let mut naam = mem::take(&mut self.opr.naam);
                naam.clear();
                self.opr = OpenbareRuimte::default();
                self.opr.naam = naam;
            }
            Kind::Wpl => {
                let mut naam = mem::take(&mut self.wpl.naam);
                naam.clear();
                let mut g = mem::take(&mut self.wpl.geometrie);
                g.clear();
                self.wpl = Woonplaats::default();
                self.wpl.naam = naam;
                self.wpl.geometrie = g;
            }
            Kind::Lig | Kind::Sta => {
                let p = &mut self.pla;
                p.soort = if k == Kind::Lig {
                    PlaatsSoort::Ligplaats
                } else {
                    PlaatsSoort::Standplaats
                };
                p.identificatie = BagId::default();
                p.status = PlaatsStatus::default();
                p.geometrie.clear();
                p.hoofdadres = BagId::default();
                p.nevenadressen.clear();
                p.voorkomen = Voorkomen::default();
            }
            Kind::Gwr => self.gwr = GemeenteWoonplaats::default(),
        }
    }

    fn fail_at(&mut self, kind: ErrorKind, field: &'static str, pos: Pos) {
        if self.err.is_none() {
            self.err = Some(
                BagError::new(self.file.clone(), kind)
                    .at(pos.line, pos.col)
                    .field(field),
            );
        }
    }

    /// Position of byte `off` of the captured text.
    fn text_offset_pos(&self, off: usize) -> Pos {
        let before = &self.text[..off.min(self.text.len())];
        match memchr::memrchr(b'\n', before) {
            Some(nl) => Pos {
                line: self.text_pos.line + memchr::memchr_iter(b'\n', before).count() as u64,
                col: (off - nl) as u64,
            },
            None => Pos {
                line: self.text_pos.line,
                col: self.text_pos.col + off as u64,
            },
        }
    }

    fn read_object(&mut self) -> Result<Option<BagObjectRef<'_>>, BagError> {
        loop {
            let before = self.here();
            self.buf.clear();
            enum Act {
                Start(Tag, GeoAttrs),
                Empty(Tag, GeoAttrs),
                End,
                None,
                BadRef,
            }
            let act = match self.xml.read_event_into(&mut self.buf) {
                Err(e) => return Err(self.xml_error(e)),
                Ok(Event::Start(e)) => {
                    let tag = Tag::classify(e.local_name().as_ref());
                    let attrs = if tag.has_geo_attrs() {
                        read_geo_attrs(&e, &mut self.scratch)
                    } else {
                        GeoAttrs::default()
                    };
                    Act::Start(tag, attrs)
                }
                Ok(Event::Text(t)) => {
                    if self.capturing {
                        self.text.extend_from_slice(t.as_bytes());
                    }
                    Act::None
                }
                Ok(Event::End(_)) => Act::End,
                Ok(Event::Empty(e)) => {
                    let tag = Tag::classify(e.local_name().as_ref());
                    let attrs = if tag.has_geo_attrs() {
                        read_geo_attrs(&e, &mut self.scratch)
                    } else {
                        GeoAttrs::default()
                    };
                    Act::Empty(tag, attrs)
                }
                Ok(Event::GeneralRef(r)) => {
                    if self.capturing {
                        let ch = match r.resolve_char_ref() {
                            Ok(Some(c)) => Some(c),
                            Ok(None) => match &*r {
                                "amp" => Some('&'),
                                "lt" => Some('<'),
                                "gt" => Some('>'),
                                "apos" => Some('\''),
                                "quot" => Some('"'),
                                _ => None,
                            },
                            Err(_) => None,
                        };
                        match ch {
                            Some(c) => {
                                let mut b = [0u8; 4];
                                self.text
                                    .extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                                Act::None
                            }
                            None => Act::BadRef,
                        }
                    } else {
                        Act::None
                    }
                }
                Ok(Event::CData(c)) => {
                    if self.capturing {
                        self.text.extend_from_slice(c.as_bytes());
                    }
                    Act::None
                }
                Ok(Event::Eof) => {
                    let el = self.kind.object_type().element();
                    return Err(self.fatal(ErrorKind::UnexpectedEof(el)));
                }
                Ok(_) => Act::None,
            };
            match act {
                Act::Start(tag, attrs) => self.on_start(tag, attrs, before),
                Act::Empty(tag, attrs) => {
                    self.on_start(tag, attrs, before);
                    if self.on_end() {
                        return self.finish_object();
                    }
                }
                Act::End => {
                    if self.on_end() {
                        return self.finish_object();
                    }
                }
                Act::BadRef => {
                    let tag = self.stack.last().copied().unwrap_or(Tag::Other);
                    let p = self.here();
                    self.fail_at(
                        ErrorKind::Xml("unknown entity reference".into()),
                        tag.qname(),
                        p,
                    );
                }
                Act::None => {}
            }
        }
    }

    fn on_start(&mut self, tag: Tag, attrs: GeoAttrs, at: Pos) {
        let parent = self.stack.last().copied().unwrap_or(Tag::Other);
        self.stack.push(tag);
        self.capturing = tag.is_leaf();
        if self.capturing {
            self.text.clear();
            self.text_pos = self.here();
        }
        if tag == Tag::Geometrie && parent == Tag::Object {
            if self.seen & Tag::Geometrie.bit() != 0 {
                self.fail_at(ErrorKind::Duplicate, tag.qname(), at);
            }
            self.in_geom = true;
            self.geo_dim = None;
            self.point = None;
            self.poly.clear();
            return;
        }
        if !self.in_geom {
            return;
        }
        if tag.has_geo_attrs() {
            if attrs.bad_srs {
                let s = self.scratch.clone();
                self.fail_at(ErrorKind::Crs(s), tag.qname(), at);
            }
            match attrs.dim {
                Some(Ok(d)) if tag != Tag::PosList => self.geo_dim = Some(d),
                Some(Err(())) => {
                    let s = self.scratch.clone();
                    self.fail_at(
                        ErrorKind::Geometry(GeometryError::Dimension(s)),
                        tag.qname(),
                        at,
                    );
                }
                _ => {}
            }
        }
        match tag {
            Tag::PosList => self.poslist_attrs = attrs,
            Tag::Exterior if self.poly.open_polygon_rings() != 0 => self.fail_at(
                ErrorKind::Geometry(GeometryError::Unexpected("a second gml:exterior")),
                tag.qname(),
                at,
            ),
            Tag::Interior if self.poly.open_polygon_rings() == 0 => self.fail_at(
                ErrorKind::Geometry(GeometryError::NoExterior),
                tag.qname(),
                at,
            ),
            Tag::LinearRing => {
                self.ring_pos = at;
                self.ring_poslist = None;
            }
            _ => {}
        }
    }

    /// Handles an end tag; true when the object is complete.
    fn on_end(&mut self) -> bool {
        let Some(tag) = self.stack.pop() else {
            return true;
        };
        if self.stack.is_empty() {
            return true;
        }
        let parent = *self.stack.last().unwrap_or(&Tag::Other);
        if self.capturing {
            self.capturing = false;
            let buf = mem::take(&mut self.text);
            let r = self.apply(tag, parent, trim(&buf), trim_offset(&buf));
            self.text = buf;
            if let Err(f) = r {
                let p = match f.offset {
                    Some(o) => self.text_offset_pos(o),
                    None => self.text_pos,
                };
                self.fail_at(f.kind, tag.qname(), p);
            }
            return false;
        }
        if !self.in_geom {
            return false;
        }
        match tag {
            Tag::LinearRing => self.finish_ring(),
            Tag::Polygon => {
                if self.poly.open_polygon_rings() == 0 {
                    let p = self.ring_pos;
                    self.fail_at(
                        ErrorKind::Geometry(GeometryError::NoExterior),
                        Tag::Polygon.qname(),
                        p,
                    );
                } else {
                    self.poly.end_polygon();
                }
            }
            Tag::Geometrie if parent == Tag::Object => {
                self.in_geom = false;
                self.finish_geometry();
            }
            _ => {}
        }
        false
    }

    fn mark(&mut self, tag: Tag) -> Result<(), Fail> {
        let b = tag.bit();
        if self.seen & b != 0 {
            return Err(ErrorKind::Duplicate.into());
        }
        self.seen |= b;
        Ok(())
    }

    fn voorkomen_mut(&mut self) -> Option<&mut Voorkomen> {
        Some(match self.kind {
            Kind::Vbo => &mut self.vbo.voorkomen,
            Kind::Pnd => &mut self.pnd.voorkomen,
            Kind::Num => &mut self.num.voorkomen,
            Kind::Opr => &mut self.opr.voorkomen,
            Kind::Wpl => &mut self.wpl.voorkomen,
            Kind::Lig | Kind::Sta => &mut self.pla.voorkomen,
            Kind::Gwr => return None,
        })
    }

    /// Stores the text `v` of leaf element `tag` (child of `parent`).
    fn apply(&mut self, tag: Tag, parent: Tag, v: &[u8], lead: usize) -> Result<(), Fail> {
        let direct = parent == Tag::Object;
        match tag {
            Tag::Identificatie if direct => {
                let id = if self.kind == Kind::Wpl {
                    any_id(v)?
                } else {
                    id16(v)?
                };
                self.mark(tag)?;
                match self.kind {
                    Kind::Vbo => self.vbo.identificatie = id,
                    Kind::Pnd => self.pnd.identificatie = id,
                    Kind::Num => self.num.identificatie = id,
                    Kind::Opr => self.opr.identificatie = id,
                    Kind::Wpl => self.wpl.identificatie = id,
                    Kind::Lig | Kind::Sta => self.pla.identificatie = id,
                    Kind::Gwr => {}
                }
            }
            Tag::Identificatie if self.kind == Kind::Gwr => {
                let id = any_id(v)?;
                match parent {
                    Tag::GerelateerdeWoonplaats => {
                        self.mark(parent)?;
                        self.gwr.woonplaats = id;
                    }
                    Tag::GerelateerdeGemeente => {
                        self.mark(parent)?;
                        self.gwr.gemeente = id;
                    }
                    _ => {}
                }
            }
            Tag::Status if direct => {
                match self.kind {
                    Kind::Vbo => self.vbo.status = status(v, VboStatus::parse)?,
                    Kind::Pnd => self.pnd.status = status(v, PandStatus::parse)?,
                    Kind::Num => self.num.status = status(v, NaamgevingStatus::parse)?,
                    Kind::Opr => self.opr.status = status(v, NaamgevingStatus::parse)?,
                    Kind::Wpl => self.wpl.status = status(v, WoonplaatsStatus::parse)?,
                    Kind::Lig | Kind::Sta => self.pla.status = status(v, PlaatsStatus::parse)?,
                    Kind::Gwr => self.gwr.status = status(v, GemeenteWoonplaatsStatus::parse)?,
                }
                self.mark(tag)?;
            }
            Tag::Gebruiksdoel if direct && self.kind == Kind::Vbo => {
                match Gebruiksdoel::parse(v) {
                    Some(d) => self.vbo.gebruiksdoelen.insert(d),
                    None if v.is_empty() => return Err(invalid(v, "a gebruiksdoel")),
                    None => self.vbo.gebruiksdoelen.insert_text(text(v)?),
                }
                self.seen |= tag.bit();
            }
            Tag::Oppervlakte if direct && self.kind == Kind::Vbo => {
                let n = parse_u64(v)
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| invalid(v, "a whole number"))?;
                self.mark(tag)?;
                self.vbo.oppervlakte = n;
            }
            Tag::NummeraanduidingRef => {
                let id = id16(v)?;
                let (hoofd, neven) = match self.kind {
                    Kind::Vbo => (&mut self.vbo.hoofdadres, &mut self.vbo.nevenadressen),
                    Kind::Lig | Kind::Sta => {
                        (&mut self.pla.hoofdadres, &mut self.pla.nevenadressen)
                    }
                    _ => return Ok(()),
                };
                match parent {
                    Tag::HeeftAlsHoofdadres => {
                        *hoofd = id;
                        self.mark(parent)?;
                    }
                    Tag::HeeftAlsNevenadres => neven.push(id),
                    _ => {}
                }
            }
            Tag::PandRef if parent == Tag::MaaktDeelUitVan && self.kind == Kind::Vbo => {
                let id = id16(v)?;
                self.vbo.panden.push(id);
                self.seen |= Tag::MaaktDeelUitVan.bit();
            }
            Tag::OpenbareRuimteRef if parent == Tag::LigtAan && self.kind == Kind::Num => {
                self.num.openbare_ruimte = id16(v)?;
                self.mark(Tag::LigtAan)?;
            }
            Tag::WoonplaatsRef if parent == Tag::LigtIn => {
                let id = any_id(v)?;
                match self.kind {
                    Kind::Num => self.num.woonplaats = Some(id),
                    Kind::Opr => self.opr.woonplaats = id,
                    _ => return Ok(()),
                }
                self.mark(Tag::LigtIn)?;
            }
            Tag::OorspronkelijkBouwjaar if direct && self.kind == Kind::Pnd => {
                // xs:gYear: four digits, optional time zone.
                let y = v
                    .get(..4)
                    .filter(|_| v.len() == 4 || matches!(v.get(4), Some(b'Z' | b'+' | b'-')))
                    .and_then(parse_u64)
                    .filter(|y| *y > 0)
                    .ok_or_else(|| invalid(v, "a year"))?;
                self.mark(tag)?;
                self.pnd.oorspronkelijk_bouwjaar = y as u16;
            }
            Tag::Huisnummer if direct && self.kind == Kind::Num => {
                let n = parse_u64(v)
                    .filter(|n| (1..=99_999).contains(n))
                    .ok_or_else(|| invalid(v, "a whole number"))?;
                self.mark(tag)?;
                self.num.huisnummer = n as u32;
            }
            Tag::Huisletter if direct && self.kind == Kind::Num => {
                let c = match v {
                    [c] if c.is_ascii_alphabetic() => *c as char,
                    _ => return Err(invalid(v, "one letter")),
                };
                self.mark(tag)?;
                self.num.huisletter = Some(c);
            }
            Tag::Huisnummertoevoeging if direct && self.kind == Kind::Num => {
                if v.is_empty() || v.len() > 4 || !v.iter().all(u8::is_ascii_alphanumeric) {
                    return Err(invalid(v, "1 to 4 letters or digits"));
                }
                self.mark(tag)?;
                self.num.huisnummertoevoeging = Some(text(v)?.to_string());
            }
            Tag::Postcode if direct && self.kind == Kind::Num => {
                let p = crate::model::Postcode::parse(v)
                    .ok_or_else(|| invalid(v, "a postcode 1234AB"))?;
                self.mark(tag)?;
                self.num.postcode = Some(p);
            }
            Tag::TypeAdresseerbaarObject if direct && self.kind == Kind::Num => {
                let t =
                    AdresseerbaarObjectType::parse(v).ok_or_else(|| invalid(v, "a known type"))?;
                self.mark(tag)?;
                self.num.type_adresseerbaar_object = t;
            }
            Tag::Naam if direct && matches!(self.kind, Kind::Opr | Kind::Wpl) => {
                let s = text(v)?;
                if s.is_empty() {
                    return Err(ErrorKind::Missing.into());
                }
                self.mark(tag)?;
                let naam = if self.kind == Kind::Opr {
                    &mut self.opr.naam
                } else {
                    &mut self.wpl.naam
                };
                naam.clear();
                naam.push_str(s);
            }
            Tag::Type if direct && self.kind == Kind::Opr => {
                let t = OpenbareRuimteType::parse(v).ok_or_else(|| invalid(v, "a known type"))?;
                self.mark(tag)?;
                self.opr.type_ = t;
            }
            Tag::VerkorteNaam
                if parent == Tag::VerkorteNaamOpenbareRuimte && self.kind == Kind::Opr =>
            {
                self.opr.verkorte_naam = Some(text(v)?.to_string());
            }
            Tag::Voorkomenidentificatie
            | Tag::BeginGeldigheid
            | Tag::EindGeldigheid
            | Tag::TijdstipRegistratie
            | Tag::EindRegistratie
            | Tag::TijdstipInactief
                if parent == Tag::VoorkomenItem =>
            {
                // Parse before borrowing the record.
                enum V {
                    N(u32),
                    D(Date),
                    T(Timestamp),
                }
                let val = match tag {
                    Tag::Voorkomenidentificatie => V::N(
                        parse_u64(v)
                            .and_then(|n| u32::try_from(n).ok())
                            .ok_or_else(|| invalid(v, "a whole number"))?,
                    ),
                    Tag::BeginGeldigheid | Tag::EindGeldigheid => V::D(date(v)?),
                    _ => V::T(timestamp(v)?),
                };
                self.mark(tag)?;
                let Some(vk) = self.voorkomen_mut() else {
                    return Ok(());
                };
                match (tag, val) {
                    (Tag::Voorkomenidentificatie, V::N(n)) => vk.voorkomenidentificatie = n,
                    (Tag::BeginGeldigheid, V::D(d)) => vk.begin_geldigheid = d,
                    (Tag::EindGeldigheid, V::D(d)) => vk.eind_geldigheid = Some(d),
                    (Tag::TijdstipRegistratie, V::T(t)) => vk.tijdstip_registratie = t,
                    (Tag::EindRegistratie, V::T(t)) => vk.eind_registratie = Some(t),
                    (Tag::TijdstipInactief, V::T(t)) => vk.tijdstip_inactief = Some(t),
                    _ => {}
                }
            }
            Tag::TijdstipNietBagLV if parent == Tag::BeschikbaarLV => {
                let t = timestamp(v)?;
                if let Some(vk) = self.voorkomen_mut() {
                    vk.tijdstip_niet_bag = Some(t);
                }
            }
            Tag::BegindatumTijdvak if self.kind == Kind::Gwr => {
                let d = date(v)?;
                self.mark(tag)?;
                self.gwr.begin = d;
            }
            Tag::EinddatumTijdvak if self.kind == Kind::Gwr => {
                let d = date(v)?;
                self.mark(tag)?;
                self.gwr.eind = Some(d);
            }
            Tag::Pos if self.in_geom => self.read_pos(parent, v, lead)?,
            Tag::PosList if self.in_geom && parent == Tag::LinearRing => {
                self.read_poslist(v, lead)?
            }
            _ => {}
        }
        Ok(())
    }

    fn read_pos(&mut self, parent: Tag, v: &[u8], lead: usize) -> Result<(), Fail> {
        let mut vals = [0f64; 3];
        let mut n = 0;
        for (off, t) in tokens(v) {
            if n == 3 {
                return Err(value_count_fail(4, self.geo_dim.unwrap_or(2) as usize));
            }
            vals[n] = parse_f64(t).ok_or_else(|| Fail {
                offset: Some(lead + off),
                ..invalid(t, "a number")
            })?;
            n += 1;
        }
        let ok = match self.geo_dim {
            Some(d) => n == d as usize,
            None => n == 2 || n == 3,
        };
        if !ok {
            return Err(value_count_fail(n, self.geo_dim.unwrap_or(2) as usize));
        }
        match parent {
            Tag::Point => {
                if self.point.is_some() {
                    return Err(ErrorKind::Duplicate.into());
                }
                self.point = Some([vals[0], vals[1]]);
            }
            Tag::LinearRing => self.poly.push_coord([vals[0], vals[1]]),
            _ => {}
        }
        Ok(())
    }

    fn read_poslist(&mut self, v: &[u8], lead: usize) -> Result<(), Fail> {
        let attrs = self.poslist_attrs;
        let declared_dim = match attrs.dim {
            Some(Ok(d)) => Some(d as usize),
            _ => self.geo_dim.map(usize::from),
        };
        // Dimension: declared, else inferred from count, else 2.
        let n_values = if declared_dim.is_none() {
            tokens(v).count()
        } else {
            0
        };
        let dim = declared_dim.unwrap_or_else(|| match attrs.count {
            Some(c) if c > 0 && n_values % c == 0 && (2..=3).contains(&(n_values / c)) => {
                n_values / c
            }
            _ => 2,
        });
        let ring_start = self.poly.num_coords();
        let mut vals = [0f64; 3];
        let mut k = 0;
        let mut total = 0usize;
        for (off, t) in tokens(v) {
            vals[k] = parse_f64(t).ok_or_else(|| Fail {
                offset: Some(lead + off),
                ..invalid(t, "a number")
            })?;
            k += 1;
            total += 1;
            if k == dim {
                self.poly.push_coord([vals[0], vals[1]]);
                k = 0;
            }
        }
        if k != 0 {
            return Err(value_count_fail(total, dim));
        }
        let found = self.poly.num_coords() - ring_start;
        if let Some(c) = attrs.count
            && c != found
        {
            return Err(
                ErrorKind::Geometry(GeometryError::CountMismatch { declared: c, found }).into(),
            );
        }
        self.ring_poslist = Some((self.text_pos, dim));
        Ok(())
    }

    /// Position in the posList text of the position with index `i` (0-based).
    fn vertex_pos(&self, i: usize) -> Pos {
        let Some((_, dim)) = self.ring_poslist else {
            return self.ring_pos;
        };
        let lead = trim_offset(&self.text);
        match tokens(trim(&self.text)).nth(i * dim) {
            Some((off, _)) => self.text_offset_pos(lead + off),
            None => self.text_pos,
        }
    }

    fn finish_ring(&mut self) {
        if self.err.is_some() {
            self.poly.truncate_open_ring();
            return;
        }
        let ring = self.poly.open_ring();
        let problem = match check_ring_structure(ring) {
            Err(p) => Some(p),
            Ok(()) if self.opts.check_self_intersection => check_ring_simple(ring).err(),
            Ok(()) => None,
        };
        match problem {
            None => self.poly.end_ring(),
            Some(p) => {
                let pos = match &p {
                    RingProblem::SelfIntersection { edge_b, .. } => self.vertex_pos(edge_b - 1),
                    RingProblem::NotClosed { .. } => {
                        self.vertex_pos(self.poly.open_ring().len().saturating_sub(1))
                    }
                    RingProblem::NotFinite { position } => self.vertex_pos(position - 1),
                    RingProblem::TooFewPositions { .. } | RingProblem::Degenerate { .. } => {
                        match self.ring_poslist {
                            Some((p, _)) => p,
                            None => self.ring_pos,
                        }
                    }
                };
                let field = if self.ring_poslist.is_some() {
                    Tag::PosList.qname()
                } else {
                    Tag::LinearRing.qname()
                };
                self.fail_at(ErrorKind::Geometry(GeometryError::Ring(p)), field, pos);
                self.poly.truncate_open_ring();
            }
        }
    }

    fn finish_geometry(&mut self) {
        let pos = self.ring_pos;
        let result: Result<(), ErrorKind> = match self.kind {
            Kind::Vbo => {
                if let Some([x, y]) = self.point {
                    self.vbo.punt = Point { x, y };
                    Ok(())
                } else if !self.poly.is_empty() {
                    match self.poly.centroid() {
                        Some(c) => {
                            self.vbo.punt = c;
                            self.vbo.vlak = Some(self.poly.clone());
                            Ok(())
                        }
                        None => Err(ErrorKind::Geometry(GeometryError::NoExterior)),
                    }
                } else {
                    Err(ErrorKind::Missing)
                }
            }
            Kind::Pnd | Kind::Wpl | Kind::Lig | Kind::Sta => {
                if !self.poly.is_empty() {
                    let target = match self.kind {
                        Kind::Pnd => &mut self.pnd.geometrie,
                        Kind::Wpl => &mut self.wpl.geometrie,
                        _ => &mut self.pla.geometrie,
                    };
                    target.clone_from(&self.poly);
                    Ok(())
                } else if self.point.is_some() {
                    Err(ErrorKind::Geometry(GeometryError::Unexpected(
                        "a gml:Point where a polygon is required",
                    )))
                } else {
                    Err(ErrorKind::Missing)
                }
            }
            _ => Ok(()),
        };
        match result {
            Ok(()) => self.seen |= Tag::Geometrie.bit(),
            Err(k) => {
                // A ring error was already reported; do not hide it.
                if self.err.is_none() {
                    self.fail_at(k, Tag::Geometrie.qname(), pos);
                }
            }
        }
    }

    fn finish_object(&mut self) -> Result<Option<BagObjectRef<'_>>, BagError> {
        self.objects += 1;
        self.capturing = false;
        if self.err.is_none() {
            let required: &[Tag] = match self.kind {
                Kind::Vbo => &[
                    Tag::Identificatie,
                    Tag::Status,
                    Tag::Gebruiksdoel,
                    Tag::Oppervlakte,
                    Tag::Geometrie,
                    Tag::HeeftAlsHoofdadres,
                    Tag::MaaktDeelUitVan,
                ],
                Kind::Pnd => &[
                    Tag::Identificatie,
                    Tag::Status,
                    Tag::OorspronkelijkBouwjaar,
                    Tag::Geometrie,
                ],
                Kind::Num => &[
                    Tag::Identificatie,
                    Tag::Huisnummer,
                    Tag::TypeAdresseerbaarObject,
                    Tag::Status,
                    Tag::LigtAan,
                ],
                Kind::Opr => &[
                    Tag::Identificatie,
                    Tag::Naam,
                    Tag::Type,
                    Tag::Status,
                    Tag::LigtIn,
                ],
                Kind::Wpl => &[Tag::Identificatie, Tag::Naam, Tag::Status, Tag::Geometrie],
                Kind::Lig | Kind::Sta => &[
                    Tag::Identificatie,
                    Tag::Status,
                    Tag::Geometrie,
                    Tag::HeeftAlsHoofdadres,
                ],
                Kind::Gwr => &[
                    Tag::GerelateerdeWoonplaats,
                    Tag::GerelateerdeGemeente,
                    Tag::BegindatumTijdvak,
                    Tag::Status,
                ],
            };
            let voorkomen: &[Tag] = if self.kind == Kind::Gwr {
                &[]
            } else {
                &[
                    Tag::Voorkomenidentificatie,
                    Tag::BeginGeldigheid,
                    Tag::TijdstipRegistratie,
                ]
            };
            if let Some(missing) = required
                .iter()
                .chain(voorkomen)
                .find(|t| self.seen & t.bit() == 0)
            {
                let p = self.object_pos;
                self.fail_at(ErrorKind::Missing, missing.qname(), p);
            }
        }
        if let Some(e) = self.err.take() {
            return Err(self.with_object(e));
        }
        Ok(Some(match self.kind {
            Kind::Vbo => BagObjectRef::Verblijfsobject(&self.vbo),
            Kind::Pnd => BagObjectRef::Pand(&self.pnd),
            Kind::Num => BagObjectRef::Nummeraanduiding(&self.num),
            Kind::Opr => BagObjectRef::OpenbareRuimte(&self.opr),
            Kind::Wpl => BagObjectRef::Woonplaats(&self.wpl),
            Kind::Lig | Kind::Sta => BagObjectRef::Plaats(&self.pla),
            Kind::Gwr => BagObjectRef::GemeenteWoonplaats(&self.gwr),
        }))
    }
}

fn value_count_fail(values: usize, dimension: usize) -> Fail {
    ErrorKind::Geometry(GeometryError::ValueCount { values, dimension }).into()
}

/// Number of leading XML-whitespace bytes.
fn trim_offset(s: &[u8]) -> usize {
    s.iter().take_while(|c| crate::num::is_ws(**c)).count()
}

/// Owned records, one at a time (clones the reused record).
impl<R: BufRead> Iterator for BagXmlReader<R> {
    type Item = Result<BagObject, BagError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.read_next() {
            Ok(Some(o)) => Some(Ok(o.to_owned())),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}
