//! The fictional demo municipality **Heidewolde** (`GM9901`).
//!
//! [`generate`] builds, deterministically from a seed and a reference date,
//! a rural municipality of about 200 km² in the east of the Netherlands
//! (RD New around x 229 km, y 455 km): an irregular boundary, three kernen
//! (Heidewolde, Esveld, Kolthorst) with streets, apartment buildings and an
//! industrial estate, and a large buitengebied with farmyards (a house plus
//! barns), ribbon development along the roads and scattered houses. On top
//! of that: KvK-style business registrations (farms active and stopped),
//! five years of partner incidents (police, environment service) and two
//! years of signals.
//!
//! The geography depends on the seed alone; the reference date only moves
//! the dates (and the construction year of the newest buildings), so the
//! same seed gives the same map for any reference date.
//!
//! [`write_scan_input`] writes the data as input for the gebiedsscan
//! (`shared/spec/gebiedsscan-v1.md`).
//!
//! Everything here is invented: names, addresses, businesses and events.
//! Only the position (over real Gelderland countryside) is real.

mod generate;
mod names;
mod write;

use bz_geo::{MultiPolygon, MunicipalityBoundary, RdPoint};
use std::fmt;
use time::Date;

pub use generate::generate;
pub use write::{WriteError, write_scan_input};

/// CBS-style code of the demo municipality (the 99xx range is not used by
/// CBS).
pub const MUNICIPALITY_CODE: &str = "GM9901";

/// Everything the demo consists of.
#[derive(Debug, Clone)]
pub struct DemoData {
    pub municipality: Municipality,
    /// BAG-like verblijfsobjecten, sorted by id.
    pub addresses: Vec<Address>,
    /// KvK-style establishments, sorted by kvk number.
    pub businesses: Vec<Business>,
    /// Partner incidents of the five years before the reference date,
    /// sorted by date.
    pub incidents: Vec<Incident>,
    /// Signals (meldingen) of the two years before the reference date,
    /// sorted by date.
    pub signals: Vec<Signal>,
    /// The date the data is generated for ("today" of the demo).
    pub reference_date: Date,
}

/// The municipality.
#[derive(Debug, Clone)]
pub struct Municipality {
    /// `GM9901`.
    pub code: String,
    pub name: String,
    /// Boundary in RD New (one polygon, ~150–250 km²).
    pub boundary: MultiPolygon,
    /// The built-up cores, the main one first.
    pub kernen: Vec<Kern>,
    /// The woonplaats of the remote buitengebied (a buurtschap without a
    /// core); the rest of the buitengebied belongs to the nearest kern.
    pub rural_woonplaats: String,
}

impl Municipality {
    /// The boundary in the form the geo crate and the GeoJSON writer use.
    pub fn as_boundary(&self) -> MunicipalityBoundary {
        MunicipalityBoundary {
            code: self.code.clone(),
            name: self.name.clone(),
            multipolygon_rd: self.boundary.clone(),
        }
    }
}

/// A built-up core (kern).
#[derive(Debug, Clone)]
pub struct Kern {
    pub name: String,
    pub centre: RdPoint,
    /// Radius of the built-up area in metres (the industrial estate lies
    /// just outside it).
    pub radius: f64,
}

/// A BAG-like verblijfsobject with its address.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    /// 16 digits: `9901` (municipality) + `01` (verblijfsobject) + 10 digits.
    pub id: String,
    /// RD New, rounded to millimetres (as BAG publishes them).
    pub x: f64,
    pub y: f64,
    pub straat: String,
    pub huisnummer: u32,
    pub huisletter: Option<char>,
    /// `1234AB`; one postcode per street and woonplaats.
    pub postcode: String,
    pub woonplaats: String,
    /// BAG gebruiksdoelen, `;`-separated, e.g. `woonfunctie` or
    /// `industriefunctie;kantoorfunctie`.
    pub gebruiksdoel: String,
    /// Floor area in m².
    pub oppervlakte: u32,
    pub bouwjaar: i32,
    /// BAG status, e.g. `Verblijfsobject in gebruik`.
    pub status: String,
}

/// A KvK-style establishment (vestiging).
#[derive(Debug, Clone, PartialEq)]
pub struct Business {
    /// KvK number, 8 digits (unique here: one establishment per number).
    pub kvk: String,
    /// Vestigingsnummer, 12 digits.
    pub vestigingsnummer: String,
    pub naam: String,
    /// [`Address::id`] it is registered at.
    pub adres_id: String,
    /// SBI code without dots, e.g. `0141`.
    pub sbi: String,
    pub start: Date,
    /// End of the registration; `None` while active.
    pub einde: Option<Date>,
}

/// Kind of partner incident (the gebiedsscan's `soort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IncidentSoort {
    Hennepkwekerij,
    Drugslab,
    Drugsafval,
    Opslag,
}

impl IncidentSoort {
    pub const ALL: [IncidentSoort; 4] = [
        IncidentSoort::Hennepkwekerij,
        IncidentSoort::Drugslab,
        IncidentSoort::Drugsafval,
        IncidentSoort::Opslag,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IncidentSoort::Hennepkwekerij => "hennepkwekerij",
            IncidentSoort::Drugslab => "drugslab",
            IncidentSoort::Drugsafval => "drugsafval",
            IncidentSoort::Opslag => "opslag",
        }
    }
}

/// Type of the organisation an incident comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bron {
    Politie,
    Omgevingsdienst,
}

impl Bron {
    pub fn as_str(self) -> &'static str {
        match self {
            Bron::Politie => "politie",
            Bron::Omgevingsdienst => "omgevingsdienst",
        }
    }
}

/// A partner incident (police / environment service figures).
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// E.g. `POL-2024-00417` or `OD-2023-0123`.
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub datum: Date,
    pub soort: IncidentSoort,
    pub bron: Bron,
    /// Short Dutch description.
    pub omschrijving: String,
    /// The address it was found at, if any (dumpings usually have none).
    pub adres_id: Option<String>,
}

/// Category of a signal (melding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignaalCategorie {
    Hennepteelt,
    SynthetischDrugslab,
    DrugsafvalDumping,
    OpslagVanDrugs,
    BenaderdDoorCriminelen,
    VerdachteVerhuurOfLeegstand,
    Arbeidsuitbuiting,
    Overig,
}

impl SignaalCategorie {
    pub const ALL: [SignaalCategorie; 8] = [
        SignaalCategorie::Hennepteelt,
        SignaalCategorie::SynthetischDrugslab,
        SignaalCategorie::DrugsafvalDumping,
        SignaalCategorie::OpslagVanDrugs,
        SignaalCategorie::BenaderdDoorCriminelen,
        SignaalCategorie::VerdachteVerhuurOfLeegstand,
        SignaalCategorie::Arbeidsuitbuiting,
        SignaalCategorie::Overig,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignaalCategorie::Hennepteelt => "hennepteelt",
            SignaalCategorie::SynthetischDrugslab => "synthetisch drugslab",
            SignaalCategorie::DrugsafvalDumping => "drugsafval/dumping",
            SignaalCategorie::OpslagVanDrugs => "opslag van drugs",
            SignaalCategorie::BenaderdDoorCriminelen => "benaderd door criminelen",
            SignaalCategorie::VerdachteVerhuurOfLeegstand => "verdachte verhuur of leegstand",
            SignaalCategorie::Arbeidsuitbuiting => "arbeidsuitbuiting",
            SignaalCategorie::Overig => "overig",
        }
    }
}

/// A signal (melding) about a place.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// E.g. `MLD-2025-0042`.
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub datum: Date,
    pub categorie: SignaalCategorie,
    /// Short Dutch description, as a reporter would write it.
    pub omschrijving: String,
    /// The address it is about, if the reporter named one.
    pub adres_id: Option<String>,
}

macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
display_as_str!(IncidentSoort, Bron, SignaalCategorie);

/// The first day of the window "the last `years` years" before `date`
/// (calendar years; 29 February minus a year is 28 February), as in the
/// gebiedsscan definition: dates `d` with `years_before(p, n) <= d < p`.
pub fn years_before(date: Date, years: i32) -> Date {
    let year = date.year() - years;
    Date::from_calendar_date(year, date.month(), date.day())
        .or_else(|_| Date::from_calendar_date(year, date.month(), date.day() - 1))
        .unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn years_before_handles_leap_days() {
        assert_eq!(
            years_before(date!(2024 - 02 - 29), 1),
            date!(2023 - 02 - 28)
        );
        assert_eq!(
            years_before(date!(2024 - 02 - 29), 4),
            date!(2020 - 02 - 29)
        );
        assert_eq!(
            years_before(date!(2026 - 03 - 01), 5),
            date!(2021 - 03 - 01)
        );
    }

    #[test]
    fn enum_strings() {
        assert_eq!(IncidentSoort::Drugsafval.to_string(), "drugsafval");
        assert_eq!(Bron::Omgevingsdienst.to_string(), "omgevingsdienst");
        assert_eq!(
            SignaalCategorie::VerdachteVerhuurOfLeegstand.to_string(),
            "verdachte verhuur of leegstand"
        );
    }
}
