//! Typed BAG records and the small value types they are made of.
//!
//! Everything here is plain data: no I/O. Identifiers, dates and enumerations
//! are stored in compact `Copy` types so that the parser does not allocate per
//! field; only free text (street and place names, house number suffixes) and
//! geometry use the heap.

use crate::geom::{MultiPolygon, Point};
use std::fmt;
use std::str::FromStr;

/// A BAG identifier: 1 to 16 ASCII digits, leading zeros significant.
///
/// Objects have 16 digits (gemeentecode 4 + object type code 2 + serial 10),
/// woonplaatsen and gemeenten 4. Stored inline (no allocation), `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BagId {
    len: u8,
    digits: [u8; 16],
}

impl BagId {
    /// Parses 1..=16 ASCII digits (no surrounding whitespace).
    pub fn parse(s: &[u8]) -> Option<BagId> {
        if s.is_empty() || s.len() > 16 || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut digits = [0u8; 16];
        digits[..s.len()].copy_from_slice(s);
        Some(BagId {
            len: s.len() as u8,
            digits,
        })
    }

    /// The digits as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.digits[..self.len as usize]).unwrap_or("")
    }

    /// Number of digits.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Never true: a `BagId` has at least one digit.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The gemeentecode the identifier was issued under (its first four digits)
    /// for 16-digit object identifiers. Note: after municipal mergers an
    /// object keeps its identifier, so this is not always the current
    /// municipality; use the gemeente–woonplaats relation for that.
    pub fn issuing_gemeentecode(&self) -> Option<&str> {
        (self.len == 16).then(|| &self.as_str()[..4])
    }

    /// The object type code (digits 5–6) of a 16-digit identifier:
    /// 01 VBO, 02 LIG, 03 STA, 10 PND, 20 NUM, 30 OPR.
    pub fn type_code(&self) -> Option<&str> {
        (self.len == 16).then(|| &self.as_str()[4..6])
    }
}

impl Default for BagId {
    /// `0` (a placeholder; never produced by the parser for a read object).
    fn default() -> Self {
        let mut digits = [0u8; 16];
        digits[0] = b'0';
        BagId { len: 1, digits }
    }
}

impl fmt::Display for BagId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for BagId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BagId({})", self.as_str())
    }
}

impl FromStr for BagId {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        BagId::parse(s.as_bytes()).ok_or(())
    }
}

/// A calendar date (`xs:date`, proleptic Gregorian, year 1..=9999).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

pub(crate) fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            let leap =
                (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
            if leap { 29 } else { 28 }
        }
        _ => 0,
    }
}

fn digits_value(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u32, |a, &b| a * 10 + u32::from(b - b'0')))
}

/// Accepts an optional `xs:date`/`xs:dateTime` time-zone suffix.
fn is_timezone(s: &[u8]) -> bool {
    match s {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

impl Date {
    /// A valid date, or `None`.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if year == 0 || year > 9999 || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`, optionally followed by a time zone (`Z`, `+01:00`),
    /// which is ignored (BAG dates are Dutch calendar dates).
    pub fn parse(s: &[u8]) -> Option<Date> {
        if s.len() < 10 || s[4] != b'-' || s[7] != b'-' || !is_timezone(&s[10..]) {
            return None;
        }
        let y = digits_value(&s[0..4])?;
        let m = digits_value(&s[5..7])?;
        let d = digits_value(&s[8..10])?;
        Date::new(y as u16, m as u8, d as u8)
    }

    pub fn year(&self) -> u16 {
        self.year
    }
    pub fn month(&self) -> u8 {
        self.month
    }
    pub fn day(&self) -> u8 {
        self.day
    }
}

impl Default for Date {
    /// 0001-01-01 (a placeholder).
    fn default() -> Self {
        Date {
            year: 1,
            month: 1,
            day: 1,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Date {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Date::parse(s.as_bytes()).ok_or(())
    }
}

/// A registration time (`xs:dateTime`, e.g. `2011-09-06T15:49:09.000`), to the
/// millisecond. A time-zone suffix is accepted and ignored.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Timestamp {
    date: Date,
    /// Milliseconds since midnight.
    millis: u32,
}

impl Timestamp {
    pub fn parse(s: &[u8]) -> Option<Timestamp> {
        if s.len() < 19 || s[10] != b'T' || s[13] != b':' || s[16] != b':' {
            return None;
        }
        let date = Date::parse(&s[..10])?;
        let h = digits_value(&s[11..13])?;
        let mi = digits_value(&s[14..16])?;
        let sec = digits_value(&s[17..19])?;
        if h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi, sec) != (0, 0)) {
            return None;
        }
        let mut rest = &s[19..];
        let mut millis = 0u32;
        if let [b'.', frac @ ..] = rest {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            // Keep milliseconds; further digits are truncated.
            let mut scale = 100;
            for &c in &frac[..n.min(3)] {
                millis += u32::from(c - b'0') * scale;
                scale /= 10;
            }
            rest = &frac[n..];
        }
        if !is_timezone(rest) {
            return None;
        }
        Some(Timestamp {
            date,
            millis: ((h * 60 + mi) * 60 + sec) * 1000 + millis,
        })
    }

    pub fn date(&self) -> Date {
        self.date
    }

    /// Milliseconds since midnight.
    pub fn millis_of_day(&self) -> u32 {
        self.millis
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.millis % 1000;
        let s = self.millis / 1000;
        write!(
            f,
            "{}T{:02}:{:02}:{:02}.{:03}",
            self.date,
            s / 3600,
            (s / 60) % 60,
            s % 60,
            ms
        )
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Defines a closed enumeration of BAG text values with `as_str`/`parse`.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $var:ident => $s:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $var),+ }

        impl $name {
            /// Every value, in the order of the XSD.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The exact text used in the BAG.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }

            /// Exact (case-sensitive) match of the BAG text.
            pub fn parse(s: &[u8]) -> Option<$name> {
                match s { $(x if x == $s.as_bytes() => Some($name::$var),)+ _ => None }
            }
        }

        impl Default for $name {
            /// The first value (a placeholder).
            fn default() -> Self {
                $name::ALL[0]
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// `Objecten:status` of a Verblijfsobject.
    VboStatus {
        Gevormd => "Verblijfsobject gevormd",
        NietGerealiseerd => "Niet gerealiseerd verblijfsobject",
        InGebruikNietIngemeten => "Verblijfsobject in gebruik (niet ingemeten)",
        InGebruik => "Verblijfsobject in gebruik",
        Verbouwing => "Verbouwing verblijfsobject",
        Ingetrokken => "Verblijfsobject ingetrokken",
        BuitenGebruik => "Verblijfsobject buiten gebruik",
        TenOnrechteOpgevoerd => "Verblijfsobject ten onrechte opgevoerd",
    }
);

text_enum!(
    /// `Objecten:status` of a Pand.
    PandStatus {
        BouwvergunningVerleend => "Bouwvergunning verleend",
        NietGerealiseerd => "Niet gerealiseerd pand",
        BouwGestart => "Bouw gestart",
        InGebruikNietIngemeten => "Pand in gebruik (niet ingemeten)",
        InGebruik => "Pand in gebruik",
        Verbouwing => "Verbouwing pand",
        SloopvergunningVerleend => "Sloopvergunning verleend",
        Gesloopt => "Pand gesloopt",
        BuitenGebruik => "Pand buiten gebruik",
        TenOnrechteOpgevoerd => "Pand ten onrechte opgevoerd",
    }
);

text_enum!(
    /// `Objecten:status` of a Nummeraanduiding or OpenbareRuimte.
    NaamgevingStatus {
        Uitgegeven => "Naamgeving uitgegeven",
        Ingetrokken => "Naamgeving ingetrokken",
    }
);

text_enum!(
    /// `Objecten:status` of a Woonplaats.
    WoonplaatsStatus {
        Aangewezen => "Woonplaats aangewezen",
        Ingetrokken => "Woonplaats ingetrokken",
    }
);

text_enum!(
    /// `Objecten:status` of a Ligplaats or Standplaats.
    PlaatsStatus {
        Aangewezen => "Plaats aangewezen",
        Ingetrokken => "Plaats ingetrokken",
    }
);

text_enum!(
    /// `Objecten:type` of an OpenbareRuimte.
    OpenbareRuimteType {
        Weg => "Weg",
        Water => "Water",
        Spoorbaan => "Spoorbaan",
        Terrein => "Terrein",
        Kunstwerk => "Kunstwerk",
        LandschappelijkGebied => "Landschappelijk gebied",
        AdministratiefGebied => "Administratief gebied",
    }
);

text_enum!(
    /// `Objecten:typeAdresseerbaarObject` of a Nummeraanduiding.
    AdresseerbaarObjectType {
        Verblijfsobject => "Verblijfsobject",
        Standplaats => "Standplaats",
        Ligplaats => "Ligplaats",
    }
);

text_enum!(
    /// The eleven usage purposes (gebruiksfuncties) of the Bouwbesluit.
    Gebruiksdoel {
        Woonfunctie => "woonfunctie",
        Bijeenkomstfunctie => "bijeenkomstfunctie",
        Celfunctie => "celfunctie",
        Gezondheidszorgfunctie => "gezondheidszorgfunctie",
        Industriefunctie => "industriefunctie",
        Kantoorfunctie => "kantoorfunctie",
        Logiesfunctie => "logiesfunctie",
        Onderwijsfunctie => "onderwijsfunctie",
        Sportfunctie => "sportfunctie",
        Winkelfunctie => "winkelfunctie",
        OverigeGebruiksfunctie => "overige gebruiksfunctie",
    }
);

text_enum!(
    /// Status of a gemeente–woonplaats relation.
    GemeenteWoonplaatsStatus {
        Voorlopig => "voorlopig",
        Definitief => "definitief",
    }
);

/// The usage purposes of a Verblijfsobject.
///
/// The eleven known values are kept as a bit set, listed in XSD order (which
/// makes `joined()` deterministic whatever order the file used). The XSD
/// types the element as a free string, so unknown values are kept too, in
/// file order, after the known ones.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Gebruiksdoelen {
    known: u16,
    other: Vec<String>,
}

impl Gebruiksdoelen {
    pub fn insert(&mut self, d: Gebruiksdoel) {
        self.known |= 1 << (d as u16);
    }

    /// Adds a value by its text; unknown texts are kept verbatim.
    pub fn insert_text(&mut self, s: &str) {
        match Gebruiksdoel::parse(s.as_bytes()) {
            Some(d) => self.insert(d),
            None => {
                if !self.other.iter().any(|o| o == s) {
                    self.other.push(s.to_string());
                }
            }
        }
    }

    pub fn contains(&self, d: Gebruiksdoel) -> bool {
        self.known & (1 << (d as u16)) != 0
    }

    pub fn is_empty(&self) -> bool {
        self.known == 0 && self.other.is_empty()
    }

    pub fn len(&self) -> usize {
        self.known.count_ones() as usize + self.other.len()
    }

    pub fn clear(&mut self) {
        self.known = 0;
        self.other.clear();
    }

    /// Known values in XSD order, then unknown ones.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        Gebruiksdoel::ALL
            .iter()
            .filter(|d| self.contains(**d))
            .map(|d| d.as_str())
            .chain(self.other.iter().map(String::as_str))
    }

    /// The values joined with `sep` (the spec's `adressen.csv` uses `;`).
    pub fn joined(&self, sep: &str) -> String {
        let mut s = String::new();
        for (i, d) in self.iter().enumerate() {
            if i > 0 {
                s.push_str(sep);
            }
            s.push_str(d);
        }
        s
    }
}

/// A Dutch postcode, `[1-9][0-9]{3}[A-Z]{2}` (e.g. `6981HR`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode([u8; 6]);

impl Postcode {
    pub fn parse(s: &[u8]) -> Option<Postcode> {
        let ok = s.len() == 6
            && (b'1'..=b'9').contains(&s[0])
            && s[1..4].iter().all(u8::is_ascii_digit)
            && s[4..6].iter().all(u8::is_ascii_uppercase);
        ok.then(|| {
            let mut b = [0u8; 6];
            b.copy_from_slice(s);
            Postcode(b)
        })
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Postcode({})", self.as_str())
    }
}

/// One version (`Historie:Voorkomen`) of an object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Voorkomen {
    pub voorkomenidentificatie: u32,
    pub begin_geldigheid: Date,
    pub eind_geldigheid: Option<Date>,
    pub tijdstip_registratie: Timestamp,
    pub eind_registratie: Option<Timestamp>,
    /// Set when the version was made inactive (corrected away).
    pub tijdstip_inactief: Option<Timestamp>,
    /// `BeschikbaarLV/tijdstipNietBagLV`: set for objects that are no longer
    /// part of the BAG (delivered in the `NietBag` files).
    pub tijdstip_niet_bag: Option<Timestamp>,
}

impl Voorkomen {
    /// The current-version rule (see [`crate::current`]): valid on `date`
    /// (`beginGeldigheid <= date` and no `eindGeldigheid` or
    /// `eindGeldigheid > date`), not inactive and not "niet BAG".
    pub fn is_current_on(&self, date: Date) -> bool {
        self.begin_geldigheid <= date
            && self.eind_geldigheid.is_none_or(|e| e > date)
            && self.tijdstip_inactief.is_none()
            && self.tijdstip_niet_bag.is_none()
    }
}

/// A Verblijfsobject (address-bearing unit of use inside one or more panden).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verblijfsobject {
    pub identificatie: BagId,
    pub status: VboStatus,
    pub gebruiksdoelen: Gebruiksdoelen,
    /// Gebruiksoppervlakte in m².
    pub oppervlakte: u32,
    /// RD New position: `gml:pos` of the point geometry, or the centroid of
    /// the polygon geometry when the object has a `vlak` instead.
    pub punt: Point,
    /// The polygon geometry, for the objects that have one instead of a point.
    pub vlak: Option<MultiPolygon>,
    pub hoofdadres: BagId,
    pub nevenadressen: Vec<BagId>,
    /// `maaktDeelUitVan/PandRef`, in file order.
    pub panden: Vec<BagId>,
    pub voorkomen: Voorkomen,
}

/// A Pand (building).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pand {
    pub identificatie: BagId,
    pub status: PandStatus,
    /// `oorspronkelijkBouwjaar` as delivered (note: `9999` occurs for
    /// buildings whose year is not yet known, e.g. still to be built).
    pub oorspronkelijk_bouwjaar: u16,
    /// Footprint in RD New (z dropped).
    pub geometrie: MultiPolygon,
    pub voorkomen: Voorkomen,
}

/// A Nummeraanduiding (address designation).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Nummeraanduiding {
    pub identificatie: BagId,
    pub huisnummer: u32,
    pub huisletter: Option<char>,
    pub huisnummertoevoeging: Option<String>,
    pub postcode: Option<Postcode>,
    pub type_adresseerbaar_object: AdresseerbaarObjectType,
    pub status: NaamgevingStatus,
    /// `ligtAan/OpenbareRuimteRef`.
    pub openbare_ruimte: BagId,
    /// `ligtIn/WoonplaatsRef`: only set when the address lies in another
    /// woonplaats than its openbare ruimte.
    pub woonplaats: Option<BagId>,
    pub voorkomen: Voorkomen,
}

/// An OpenbareRuimte (named public space, e.g. a street).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OpenbareRuimte {
    pub identificatie: BagId,
    pub naam: String,
    /// `verkorteNaam/VerkorteNaamOpenbareRuimte/verkorteNaam` (NEN 5825).
    pub verkorte_naam: Option<String>,
    pub type_: OpenbareRuimteType,
    pub status: NaamgevingStatus,
    /// `ligtIn/WoonplaatsRef`.
    pub woonplaats: BagId,
    pub voorkomen: Voorkomen,
}

/// A Woonplaats (place name area).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Woonplaats {
    pub identificatie: BagId,
    pub naam: String,
    pub status: WoonplaatsStatus,
    pub geometrie: MultiPolygon,
    pub voorkomen: Voorkomen,
}

/// Whether a [`Plaats`] is a Ligplaats or a Standplaats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum PlaatsSoort {
    #[default]
    Ligplaats,
    Standplaats,
}

/// A Ligplaats (mooring) or Standplaats (pitch): addressable, with a polygon.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plaats {
    pub soort: PlaatsSoort,
    pub identificatie: BagId,
    pub status: PlaatsStatus,
    pub geometrie: MultiPolygon,
    pub hoofdadres: BagId,
    pub nevenadressen: Vec<BagId>,
    pub voorkomen: Voorkomen,
}

/// One gemeente–woonplaats relation (`GEM-WPL-RELATIE` file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GemeenteWoonplaats {
    pub woonplaats: BagId,
    /// Four-digit CBS gemeentecode (`0221`); `GM0221` in CBS notation.
    pub gemeente: BagId,
    pub begin: Date,
    pub eind: Option<Date>,
    pub status: GemeenteWoonplaatsStatus,
}

impl GemeenteWoonplaats {
    /// Valid on `date`: `begin <= date` and (no `eind` or `eind > date`).
    pub fn is_current_on(&self, date: Date) -> bool {
        self.begin <= date && self.eind.is_none_or(|e| e > date)
    }
}

/// The object types of the BAG 2.0 Extract (plus the gemeente–woonplaats relation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectType {
    Verblijfsobject,
    Pand,
    Nummeraanduiding,
    OpenbareRuimte,
    Woonplaats,
    Ligplaats,
    Standplaats,
    GemeenteWoonplaats,
}

impl ObjectType {
    pub const ALL: [ObjectType; 8] = [
        ObjectType::Verblijfsobject,
        ObjectType::Pand,
        ObjectType::Nummeraanduiding,
        ObjectType::OpenbareRuimte,
        ObjectType::Woonplaats,
        ObjectType::Ligplaats,
        ObjectType::Standplaats,
        ObjectType::GemeenteWoonplaats,
    ];

    /// The three-letter code used in extract file names (`VBO`, `PND`, ...;
    /// `GWR` for the gemeente–woonplaats relation).
    pub fn code(self) -> &'static str {
        match self {
            ObjectType::Verblijfsobject => "VBO",
            ObjectType::Pand => "PND",
            ObjectType::Nummeraanduiding => "NUM",
            ObjectType::OpenbareRuimte => "OPR",
            ObjectType::Woonplaats => "WPL",
            ObjectType::Ligplaats => "LIG",
            ObjectType::Standplaats => "STA",
            ObjectType::GemeenteWoonplaats => "GWR",
        }
    }

    pub fn from_code(code: &[u8]) -> Option<ObjectType> {
        ObjectType::ALL
            .into_iter()
            .find(|t| t.code().as_bytes().eq_ignore_ascii_case(code))
    }

    /// The element name in the extract (`Objecten:Verblijfsobject`, ...).
    pub fn element(self) -> &'static str {
        match self {
            ObjectType::Verblijfsobject => "Objecten:Verblijfsobject",
            ObjectType::Pand => "Objecten:Pand",
            ObjectType::Nummeraanduiding => "Objecten:Nummeraanduiding",
            ObjectType::OpenbareRuimte => "Objecten:OpenbareRuimte",
            ObjectType::Woonplaats => "Objecten:Woonplaats",
            ObjectType::Ligplaats => "Objecten:Ligplaats",
            ObjectType::Standplaats => "Objecten:Standplaats",
            ObjectType::GemeenteWoonplaats => "gwr-product:GemeenteWoonplaatsRelatie",
        }
    }

    /// The Dutch name (`Verblijfsobject`, `Pand`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ObjectType::Verblijfsobject => "Verblijfsobject",
            ObjectType::Pand => "Pand",
            ObjectType::Nummeraanduiding => "Nummeraanduiding",
            ObjectType::OpenbareRuimte => "OpenbareRuimte",
            ObjectType::Woonplaats => "Woonplaats",
            ObjectType::Ligplaats => "Ligplaats",
            ObjectType::Standplaats => "Standplaats",
            ObjectType::GemeenteWoonplaats => "GemeenteWoonplaatsRelatie",
        }
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`ObjectType`]s (which objects to read; others are skipped
/// cheaply, whole inner zips without decompressing them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjectTypes(u16);

impl ObjectTypes {
    pub const ALL: ObjectTypes = ObjectTypes(0xff);
    pub const NONE: ObjectTypes = ObjectTypes(0);

    pub fn of(types: &[ObjectType]) -> ObjectTypes {
        ObjectTypes(types.iter().fold(0, |a, t| a | 1 << (*t as u16)))
    }

    pub fn contains(self, t: ObjectType) -> bool {
        self.0 & (1 << (t as u16)) != 0
    }

    pub fn with(self, t: ObjectType) -> ObjectTypes {
        ObjectTypes(self.0 | 1 << (t as u16))
    }
}

impl Default for ObjectTypes {
    fn default() -> Self {
        ObjectTypes::ALL
    }
}

/// One record read from an extract.
#[derive(Clone, Debug, PartialEq)]
pub enum BagObject {
    Verblijfsobject(Verblijfsobject),
    Pand(Pand),
    Nummeraanduiding(Nummeraanduiding),
    OpenbareRuimte(OpenbareRuimte),
    Woonplaats(Woonplaats),
    /// Ligplaats or Standplaats (see [`Plaats::soort`]).
    Plaats(Plaats),
    GemeenteWoonplaats(GemeenteWoonplaats),
}

impl BagObject {
    pub fn object_type(&self) -> ObjectType {
        match self {
            BagObject::Verblijfsobject(_) => ObjectType::Verblijfsobject,
            BagObject::Pand(_) => ObjectType::Pand,
            BagObject::Nummeraanduiding(_) => ObjectType::Nummeraanduiding,
            BagObject::OpenbareRuimte(_) => ObjectType::OpenbareRuimte,
            BagObject::Woonplaats(_) => ObjectType::Woonplaats,
            BagObject::Plaats(p) => match p.soort {
                PlaatsSoort::Ligplaats => ObjectType::Ligplaats,
                PlaatsSoort::Standplaats => ObjectType::Standplaats,
            },
            BagObject::GemeenteWoonplaats(_) => ObjectType::GemeenteWoonplaats,
        }
    }

    /// The identificatie (for a gemeente–woonplaats relation: the woonplaats).
    pub fn identificatie(&self) -> BagId {
        match self {
            BagObject::Verblijfsobject(o) => o.identificatie,
            BagObject::Pand(o) => o.identificatie,
            BagObject::Nummeraanduiding(o) => o.identificatie,
            BagObject::OpenbareRuimte(o) => o.identificatie,
            BagObject::Woonplaats(o) => o.identificatie,
            BagObject::Plaats(o) => o.identificatie,
            BagObject::GemeenteWoonplaats(o) => o.woonplaats,
        }
    }

    /// The version data (`None` for a gemeente–woonplaats relation).
    pub fn voorkomen(&self) -> Option<&Voorkomen> {
        match self {
            BagObject::Verblijfsobject(o) => Some(&o.voorkomen),
            BagObject::Pand(o) => Some(&o.voorkomen),
            BagObject::Nummeraanduiding(o) => Some(&o.voorkomen),
            BagObject::OpenbareRuimte(o) => Some(&o.voorkomen),
            BagObject::Woonplaats(o) => Some(&o.voorkomen),
            BagObject::Plaats(o) => Some(&o.voorkomen),
            BagObject::GemeenteWoonplaats(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bag_id() {
        let id = BagId::parse(b"0221010000330226").unwrap();
        assert_eq!(id.as_str(), "0221010000330226");
        assert_eq!(id.issuing_gemeentecode(), Some("0221"));
        assert_eq!(id.type_code(), Some("01"));
        assert!(BagId::parse(b"").is_none());
        assert!(BagId::parse(b"02210100003302261").is_none());
        assert!(BagId::parse(b"0221x").is_none());
        assert_eq!(BagId::parse(b"2142").unwrap().len(), 4);
    }

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse(b"2011-09-06").unwrap().to_string(),
            "2011-09-06"
        );
        assert!(Date::parse(b"2011-02-29").is_none());
        assert!(Date::parse(b"2012-02-29").is_some());
        assert!(Date::parse(b"2011-13-01").is_none());
        assert!(Date::parse(b"2011-9-06").is_none());
        assert!(Date::parse(b"2011-09-06Z").is_some());
        assert!(Date::parse(b"2011-09-06+01:00").is_some());
        assert!(Date::parse(b"2011-09-06 ").is_none());
        let t = Timestamp::parse(b"2011-09-06T15:49:09.000").unwrap();
        assert_eq!(t.to_string(), "2011-09-06T15:49:09.000");
        let t2 = Timestamp::parse(b"2011-09-06T15:49:09.5").unwrap();
        assert!(t2 > t);
        assert!(Timestamp::parse(b"2011-09-06T15:49:09").is_some());
        assert!(Timestamp::parse(b"2011-09-06T25:49:09").is_none());
        assert!(Timestamp::parse(b"2011-09-06T15:49:09.").is_none());
    }

    #[test]
    fn gebruiksdoelen_order_and_unknown() {
        let mut g = Gebruiksdoelen::default();
        g.insert_text("winkelfunctie");
        g.insert_text("woonfunctie");
        g.insert_text("iets anders");
        g.insert_text("woonfunctie");
        assert_eq!(g.joined(";"), "woonfunctie;winkelfunctie;iets anders");
        assert_eq!(g.len(), 3);
    }

    #[test]
    fn postcode() {
        assert!(Postcode::parse(b"6981HR").is_some());
        assert!(Postcode::parse(b"0981HR").is_none());
        assert!(Postcode::parse(b"6981hr").is_none());
        assert!(Postcode::parse(b"6981 HR").is_none());
    }

    #[test]
    fn current_rule() {
        let d = |s: &str| Date::parse(s.as_bytes());
        let v = Voorkomen {
            begin_geldigheid: d("2011-09-06").unwrap(),
            eind_geldigheid: d("2019-01-15"),
            ..Voorkomen::default()
        };
        assert!(!v.is_current_on(d("2011-09-05").unwrap()));
        assert!(v.is_current_on(d("2011-09-06").unwrap()));
        assert!(v.is_current_on(d("2019-01-14").unwrap()));
        assert!(!v.is_current_on(d("2019-01-15").unwrap()));
        let mut open = v.clone();
        open.eind_geldigheid = None;
        assert!(open.is_current_on(d("2030-01-01").unwrap()));
        open.tijdstip_inactief = Timestamp::parse(b"2020-01-01T00:00:00.000");
        assert!(!open.is_current_on(d("2030-01-01").unwrap()));
    }
}
