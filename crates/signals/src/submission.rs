//! Validation of a public report (the `/melden` form), with per-field
//! messages in Dutch and English.
//!
//! * The category must be one of [`Category`].
//! * The description is 10–5000 characters, without control characters.
//! * The location is a BAG object id (from the address search over the
//!   imported BAG data), a point (RD New or WGS84, from the map pin), or
//!   both. A point outside the Netherlands is refused with a clear message.
//!   The check uses a generous outline of the country (a few kilometres
//!   wide of the border, including the Wadden islands and the coast), so no
//!   Dutch location is refused; the web layer can check the imported
//!   municipality boundaries for the precise answer.
//! * Contact details are stored only when the reporter opts in; details
//!   without the opt-in are refused rather than silently kept. With the
//!   opt-in, an e-mail address or a phone number is required.

use bz_geo::{LonLat, RdPoint, rd_to_wgs84, wgs84_to_rd};
use serde::{Deserialize, Serialize};

use crate::category::{Category, IntakeSource};

pub const MIN_DESCRIPTION: usize = 10;
pub const MAX_DESCRIPTION: usize = 5000;
pub const MAX_NAME: usize = 100;

/// A point as the form or API sends it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "crs", rename_all = "snake_case")]
pub enum PointInput {
    /// RD New (EPSG:28992), metres.
    Rd { x: f64, y: f64 },
    /// WGS84 degrees.
    Wgs84 { lon: f64, lat: f64 },
}

/// The location as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocationInput {
    #[serde(default)]
    pub bag_object_id: Option<String>,
    #[serde(default)]
    pub point: Option<PointInput>,
}

/// Contact details as sent. `opt_in` is the reporter's explicit choice to
/// leave details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    #[serde(default)]
    pub opt_in: bool,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A public report as sent by the form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewPublicSignal {
    pub category: String,
    pub description: String,
    #[serde(default)]
    pub location: LocationInput,
    #[serde(default)]
    pub contact: Option<ContactInput>,
}

/// A 16-digit BAG object identificatie.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BagObjectId(String);

impl BagObjectId {
    pub fn parse(s: &str) -> Option<BagObjectId> {
        let s = s.trim();
        (s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit())).then(|| BagObjectId(s.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BagObjectId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        BagObjectId::parse(&s).ok_or_else(|| "not a 16-digit BAG identificatie".to_string())
    }
}

impl From<BagObjectId> for String {
    fn from(b: BagObjectId) -> String {
        b.0
    }
}

/// A checked location: at least one of the two is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidLocation {
    pub bag_object_id: Option<BagObjectId>,
    /// RD New.
    pub point: Option<RdPoint>,
}

/// Checked contact details (only with the opt-in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    /// Lower-case domain.
    pub email: Option<String>,
    /// E.164, e.g. `+31612345678`.
    pub phone: Option<String>,
}

/// A checked public report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidPublicSignal {
    pub category: Category,
    /// Trimmed, line ends normalised to `\n`.
    pub description: String,
    pub location: ValidLocation,
    pub contact: Option<Contact>,
}

/// The form fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Category,
    Description,
    Location,
    Contact,
    Name,
    Email,
    Phone,
    /// The source of a professional intake.
    Source,
}

impl Field {
    /// The form field name.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Category => "category",
            Field::Description => "description",
            Field::Location => "location",
            Field::Contact => "contact",
            Field::Name => "name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Source => "source",
        }
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    Required,
    UnknownCategory,
    UnknownSource,
    TooShort { min: usize },
    TooLong { max: usize },
    ControlCharacters,
    BadBagObjectId,
    BadCoordinates,
    OutsideNetherlands,
    ContactWithoutOptIn,
    OptInWithoutContact,
    BadEmail,
    BadPhone,
}

/// One error, for one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}: {}", field.as_str(), self.message_en())]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

impl FieldError {
    /// The message in Dutch (B1), to show next to the field.
    pub fn message_nl(&self) -> String {
        match self.problem {
            Problem::Required => match self.field {
                Field::Category => "Kies waar uw melding over gaat.".into(),
                Field::Description => "Beschrijf wat u heeft gezien.".into(),
                Field::Location => {
                    "Geef aan waar het is: zoek een adres of zet een punt op de kaart.".into()
                }
                _ => "Dit veld is verplicht.".into(),
            },
            Problem::UnknownCategory => "Kies een van de onderwerpen uit de lijst.".into(),
            Problem::UnknownSource => "Kies een van de bronnen uit de lijst.".into(),
            Problem::TooShort { min } => {
                format!("Schrijf iets meer, minimaal {min} tekens.")
            }
            Problem::TooLong { max } => format!("Dit is te lang. Gebruik maximaal {max} tekens."),
            Problem::ControlCharacters => {
                "Deze tekst bevat tekens die niet zijn toegestaan.".into()
            }
            Problem::BadBagObjectId => "Dit adres kennen we niet. Zoek het adres opnieuw.".into(),
            Problem::BadCoordinates => "Deze plek kunnen we niet lezen. Zet het punt opnieuw op \
                 de kaart."
                .into(),
            Problem::OutsideNetherlands => "Deze plek ligt buiten Nederland. U kunt alleen iets \
                 melden over een plek in Nederland. Gaat het om een plek in België of Duitsland? \
                 Neem dan contact op met de politie daar."
                .into(),
            Problem::ContactWithoutOptIn => "U heeft contactgegevens ingevuld, maar niet gekozen \
                 om ze te geven. Kies 'Ja, u mag contact met mij opnemen' of maak de velden leeg."
                .into(),
            Problem::OptInWithoutContact => {
                "Vul een e-mailadres of telefoonnummer in, of kies om anoniem te melden.".into()
            }
            Problem::BadEmail => {
                "Dit is geen geldig e-mailadres, bijvoorbeeld naam@voorbeeld.nl.".into()
            }
            Problem::BadPhone => {
                "Dit is geen geldig telefoonnummer, bijvoorbeeld 06 12345678.".into()
            }
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self.problem {
            Problem::Required => match self.field {
                Field::Category => "Choose what your report is about.".into(),
                Field::Description => "Describe what you saw.".into(),
                Field::Location => {
                    "Say where it is: search an address or put a pin on the map.".into()
                }
                _ => "This field is required.".into(),
            },
            Problem::UnknownCategory => "Choose one of the subjects in the list.".into(),
            Problem::UnknownSource => "Choose one of the sources in the list.".into(),
            Problem::TooShort { min } => {
                format!("Please write a bit more, at least {min} characters.")
            }
            Problem::TooLong { max } => format!("This is too long. Use at most {max} characters."),
            Problem::ControlCharacters => {
                "This text contains characters that are not allowed.".into()
            }
            Problem::BadBagObjectId => "We do not know this address. Please search again.".into(),
            Problem::BadCoordinates => {
                "We cannot read this place. Please put the pin on the map again.".into()
            }
            Problem::OutsideNetherlands => "This place is outside the Netherlands. You can only \
                 report a place in the Netherlands. Is it in Belgium or Germany? Please contact \
                 the police there."
                .into(),
            Problem::ContactWithoutOptIn => "You filled in contact details but did not choose to \
                 give them. Choose 'Yes, you may contact me' or empty the fields."
                .into(),
            Problem::OptInWithoutContact => {
                "Fill in an e-mail address or phone number, or choose to report anonymously.".into()
            }
            Problem::BadEmail => {
                "This is not a valid e-mail address, for example name@example.nl.".into()
            }
            Problem::BadPhone => {
                "This is not a valid phone number, for example 06 12345678.".into()
            }
        }
    }
}

/// All errors of one submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("the report has {} error(s)", .0.len())]
pub struct SubmissionErrors(pub Vec<FieldError>);

impl SubmissionErrors {
    pub fn for_field(&self, field: Field) -> impl Iterator<Item = &FieldError> {
        self.0.iter().filter(move |e| e.field == field)
    }
}

/// A generous outline of the Netherlands (WGS84 lon/lat), a few kilometres
/// wide of the land border and including the coast and the Wadden islands.
const NL_OUTLINE: [(f64, f64); 62] = [
    (3.33, 51.42),
    (3.35, 51.30),
    (3.43, 51.23),
    (3.80, 51.19),
    (4.00, 51.21),
    (4.16, 51.25),
    (4.26, 51.30),
    (4.30, 51.37),
    (4.40, 51.34),
    (4.50, 51.42),
    (4.77, 51.40),
    (5.05, 51.42),
    (5.22, 51.30),
    (5.40, 51.24),
    (5.55, 51.22),
    (5.72, 51.15),
    (5.80, 51.10),
    (5.76, 51.02),
    (5.66, 50.90),
    (5.63, 50.83),
    (5.66, 50.74),
    (5.88, 50.72),
    (6.02, 50.74),
    (6.09, 50.83),
    (6.10, 50.93),
    (6.12, 51.08),
    (6.22, 51.20),
    (6.24, 51.36),
    (6.24, 51.52),
    (6.12, 51.66),
    (6.02, 51.79),
    (6.10, 51.845),
    (6.20, 51.855),
    (6.40, 51.875),
    (6.48, 51.84),
    (6.70, 51.90),
    (6.84, 51.96),
    (6.78, 52.09),
    (6.90, 52.16),
    (7.03, 52.24),
    (7.08, 52.40),
    (6.96, 52.46),
    (6.72, 52.50),
    (6.72, 52.63),
    (6.95, 52.66),
    (7.08, 52.68),
    (7.10, 52.86),
    (7.23, 53.00),
    (7.23, 53.18),
    (7.22, 53.25),
    (7.00, 53.38),
    (6.80, 53.50),
    (6.55, 53.60),
    (5.60, 53.52),
    (5.00, 53.36),
    (4.62, 53.05),
    (4.50, 52.80),
    (4.40, 52.45),
    (4.15, 52.15),
    (3.95, 51.95),
    (3.60, 51.70),
    (3.38, 51.55),
];

/// RD New box of the Netherlands (the RD grid's usual validity range).
const RD_MIN_X: f64 = -7_000.0;
const RD_MAX_X: f64 = 300_000.0;
const RD_MIN_Y: f64 = 289_000.0;
const RD_MAX_Y: f64 = 629_000.0;

/// Whether a WGS84 position lies inside the outline of the Netherlands.
pub fn in_netherlands(p: LonLat) -> bool {
    if !(p.lon.is_finite() && p.lat.is_finite()) {
        return false;
    }
    let mut inside = false;
    let mut prev = NL_OUTLINE[NL_OUTLINE.len() - 1];
    for &(xi, yi) in &NL_OUTLINE {
        let (xj, yj) = prev;
        if (yi > p.lat) != (yj > p.lat) && p.lon < (xj - xi) * (p.lat - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        prev = (xi, yi);
    }
    inside
}

/// Checks a point and returns it in RD New.
pub fn check_point(p: PointInput) -> Result<RdPoint, Problem> {
    match p {
        PointInput::Rd { x, y } => {
            let rd = RdPoint::new(x, y);
            if !rd.is_finite() {
                return Err(Problem::BadCoordinates);
            }
            if !(RD_MIN_X..=RD_MAX_X).contains(&x) || !(RD_MIN_Y..=RD_MAX_Y).contains(&y) {
                return Err(Problem::OutsideNetherlands);
            }
            let ll = rd_to_wgs84(rd).map_err(|_| Problem::BadCoordinates)?;
            if in_netherlands(ll) {
                Ok(rd)
            } else {
                Err(Problem::OutsideNetherlands)
            }
        }
        PointInput::Wgs84 { lon, lat } => {
            if !(lon.is_finite() && lat.is_finite()) || lat.abs() > 90.0 || lon.abs() > 180.0 {
                return Err(Problem::BadCoordinates);
            }
            if !in_netherlands(LonLat::new(lon, lat)) {
                return Err(Problem::OutsideNetherlands);
            }
            wgs84_to_rd(LonLat::new(lon, lat)).map_err(|_| Problem::BadCoordinates)
        }
    }
}

fn has_control_chars(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// Checks an e-mail address; returns it with a lower-case domain.
pub fn check_email(input: &str) -> Option<String> {
    let s = input.trim();
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = s.rsplit_once('@')?;
    const LOCAL_EXTRA: &str = ".!#$%&'*+/=?^_`{|}~-";
    let local_ok = (1..=64).contains(&local.len())
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL_EXTRA.contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return None;
    }
    let domain = domain.to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let labels_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    labels_ok.then(|| format!("{local}@{domain}"))
}

/// Checks a phone number; returns it in E.164 (`+31612345678`). Dutch
/// numbers may be written with a leading 0; international numbers with
/// `+` or `00`.
pub fn check_phone(input: &str) -> Option<String> {
    let s = input.trim().replace("(0)", "");
    let mut plus = false;
    let mut digits = String::new();
    for (i, c) in s.chars().enumerate() {
        match c {
            '+' if i == 0 => plus = true,
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            _ => return None,
        }
    }
    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix('0') {
        (rest.len() == 9 && !rest.starts_with('0')).then(|| format!("31{rest}"))?
    } else {
        return None;
    };
    if !(8..=15).contains(&international.len()) || international.starts_with('0') {
        return None;
    }
    if let Some(nl) = international.strip_prefix("31")
        && (nl.len() != 9 || nl.starts_with('0'))
    {
        return None;
    }
    Some(format!("+{international}"))
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Validates a public report; returns every field error at once.
pub fn validate_public(input: &NewPublicSignal) -> Result<ValidPublicSignal, SubmissionErrors> {
    let mut errors = Vec::new();
    let mut err = |field, problem| errors.push(FieldError { field, problem });

    let category = match input.category.trim() {
        "" => {
            err(Field::Category, Problem::Required);
            None
        }
        code => match code.parse::<Category>() {
            Ok(c) => Some(c),
            Err(_) => {
                err(Field::Category, Problem::UnknownCategory);
                None
            }
        },
    };

    let description = input.description.replace("\r\n", "\n").replace('\r', "\n");
    let description = description.trim().to_string();
    let n = description.chars().count();
    if n == 0 {
        err(Field::Description, Problem::Required);
    } else if n < MIN_DESCRIPTION {
        err(
            Field::Description,
            Problem::TooShort {
                min: MIN_DESCRIPTION,
            },
        );
    } else if n > MAX_DESCRIPTION {
        err(
            Field::Description,
            Problem::TooLong {
                max: MAX_DESCRIPTION,
            },
        );
    } else if has_control_chars(&description) {
        err(Field::Description, Problem::ControlCharacters);
    }

    let bag = match non_empty(&input.location.bag_object_id) {
        None => None,
        Some(s) => match BagObjectId::parse(s) {
            Some(b) => Some(b),
            None => {
                err(Field::Location, Problem::BadBagObjectId);
                None
            }
        },
    };
    let point = match input.location.point.map(check_point) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(problem)) => {
            err(Field::Location, problem);
            None
        }
    };
    if input
        .location
        .bag_object_id
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
        && input.location.point.is_none()
    {
        err(Field::Location, Problem::Required);
    }

    let contact = match &input.contact {
        None => None,
        Some(c) => {
            let name = non_empty(&c.name);
            let email = non_empty(&c.email);
            let phone = non_empty(&c.phone);
            let any = name.is_some() || email.is_some() || phone.is_some();
            if !c.opt_in {
                if any {
                    err(Field::Contact, Problem::ContactWithoutOptIn);
                }
                None
            } else if email.is_none() && phone.is_none() {
                err(Field::Contact, Problem::OptInWithoutContact);
                None
            } else {
                let mut ok = true;
                if let Some(n) = name {
                    if n.chars().count() > MAX_NAME {
                        err(Field::Name, Problem::TooLong { max: MAX_NAME });
                        ok = false;
                    } else if has_control_chars(n) {
                        err(Field::Name, Problem::ControlCharacters);
                        ok = false;
                    }
                }
                let email = email.map(|e| {
                    check_email(e).ok_or(()).inspect_err(|_| {
                        err(Field::Email, Problem::BadEmail);
                    })
                });
                let phone = phone.map(|p| {
                    check_phone(p).ok_or(()).inspect_err(|_| {
                        err(Field::Phone, Problem::BadPhone);
                    })
                });
                match (ok, email.transpose(), phone.transpose()) {
                    (true, Ok(email), Ok(phone)) => Some(Contact {
                        name: name.map(str::to_string),
                        email,
                        phone,
                    }),
                    _ => None,
                }
            }
        }
    };

    match category {
        Some(category) if errors.is_empty() => Ok(ValidPublicSignal {
            category,
            description,
            location: ValidLocation {
                bag_object_id: bag,
                point,
            },
            contact,
        }),
        _ => Err(SubmissionErrors(errors)),
    }
}

/// A signal entered by an intake officer (`toezichthouder`, `intake`,
/// `aov`) on the intake form or imported from a partner: a professional
/// source instead of contact details (the officer is known from the login).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewIntakeSignal {
    pub source: String,
    pub category: String,
    pub description: String,
    #[serde(default)]
    pub location: LocationInput,
}

/// A checked professional signal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidIntakeSignal {
    pub source: IntakeSource,
    pub category: Category,
    pub description: String,
    pub location: ValidLocation,
}

/// Validates a professional signal with the same rules as a public report;
/// the source must be one of the professional [`IntakeSource`]s.
pub fn validate_intake(input: &NewIntakeSignal) -> Result<ValidIntakeSignal, SubmissionErrors> {
    let source = match input.source.trim() {
        "" => Err(FieldError {
            field: Field::Source,
            problem: Problem::Required,
        }),
        code => match code.parse::<IntakeSource>() {
            Ok(s) if s.is_professional() => Ok(s),
            _ => Err(FieldError {
                field: Field::Source,
                problem: Problem::UnknownSource,
            }),
        },
    };
    let rest = validate_public(&NewPublicSignal {
        category: input.category.clone(),
        description: input.description.clone(),
        location: input.location.clone(),
        contact: None,
    });
    match (source, rest) {
        (Ok(source), Ok(v)) => Ok(ValidIntakeSignal {
            source,
            category: v.category,
            description: v.description,
            location: v.location,
        }),
        (source, rest) => {
            let mut errors: Vec<FieldError> = source.err().into_iter().collect();
            if let Err(e) = rest {
                errors.extend(e.0);
            }
            Err(SubmissionErrors(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn report() -> NewPublicSignal {
        NewPublicSignal {
            category: "drugsafval".into(),
            description: "Blauwe vaten in de sloot langs de weg, het ruikt naar anijs.".into(),
            location: LocationInput {
                bag_object_id: None,
                point: Some(PointInput::Wgs84 {
                    lon: 6.65,
                    lat: 52.35,
                }),
            },
            contact: None,
        }
    }

    #[test]
    fn a_good_anonymous_report_passes() {
        let v = validate_public(&report()).unwrap();
        assert_eq!(v.category, Category::Drugsafval);
        assert!(v.contact.is_none());
        let p = v.location.point.unwrap();
        assert!(
            (200_000.0..260_000.0).contains(&p.x) && (470_000.0..500_000.0).contains(&p.y),
            "{p:?}"
        );
    }

    #[test]
    fn dutch_border_places_are_inside() {
        for (name, lon, lat) in [
            ("Amsterdam", 4.90, 52.37),
            ("Cadzand", 3.40, 51.37),
            ("Sluis", 3.39, 51.31),
            ("Hulst", 4.05, 51.28),
            ("Ossendrecht", 4.33, 51.39),
            ("Baarle-Nassau", 4.93, 51.44),
            ("Thorn", 5.84, 51.16),
            ("Stein", 5.77, 50.97),
            ("Maastricht", 5.69, 50.85),
            ("Eijsden", 5.72, 50.78),
            ("Vaals", 6.017, 50.771),
            ("Kerkrade", 6.06, 50.865),
            ("Sittard", 5.87, 51.00),
            ("Venlo", 6.17, 51.37),
            ("Gennep", 5.97, 51.70),
            ("Mook", 5.88, 51.75),
            ("Lobith", 6.12, 51.862),
            ("'s-Heerenberg", 6.25, 51.875),
            ("Dinxperlo", 6.49, 51.86),
            ("Winterswijk", 6.72, 51.97),
            ("Enschede", 6.89, 52.22),
            ("Losser", 7.00, 52.26),
            ("Denekamp", 7.01, 52.38),
            ("Hardenberg", 6.62, 52.58),
            ("Coevorden", 6.74, 52.66),
            ("Schoonebeek", 6.88, 52.66),
            ("Ter Apel", 7.07, 52.88),
            ("Bourtange", 7.19, 52.99),
            ("Bad Nieuweschans", 7.20, 53.18),
            ("Delfzijl", 6.93, 53.33),
            ("Rottumeroog", 6.57, 53.54),
            ("Schiermonnikoog", 6.20, 53.48),
            ("Terschelling", 5.35, 53.40),
            ("Texel", 4.80, 53.08),
            ("Den Helder", 4.76, 52.96),
            ("Hoek van Holland", 4.12, 51.98),
            ("Westkapelle", 3.44, 51.53),
        ] {
            assert!(in_netherlands(LonLat::new(lon, lat)), "{name} refused");
        }
    }

    #[test]
    fn places_abroad_are_refused() {
        for (name, lon, lat) in [
            ("Knokke", 3.29, 51.35),
            ("Brugge", 3.22, 51.21),
            ("Gent", 3.72, 51.05),
            ("Antwerpen", 4.40, 51.22),
            ("Brussel", 4.35, 50.85),
            ("Maaseik", 5.79, 51.09),
            ("Maasmechelen", 5.69, 50.96),
            ("Luik", 5.57, 50.63),
            ("Aachen", 6.084, 50.776),
            ("Herzogenrath", 6.10, 50.87),
            ("Mönchengladbach", 6.44, 51.19),
            ("Düsseldorf", 6.78, 51.23),
            ("Goch", 6.16, 51.68),
            ("Emmerich", 6.25, 51.835),
            ("Bocholt", 6.61, 51.84),
            ("Vreden", 6.83, 52.035),
            ("Gronau", 7.02, 52.21),
            ("Nordhorn", 7.07, 52.435),
            ("Emlichheim", 6.85, 52.61),
            ("Meppen", 7.29, 52.69),
            ("Bunde", 7.27, 53.18),
            ("Emden", 7.21, 53.37),
            ("Borkum", 6.67, 53.59),
            ("London", -0.13, 51.51),
            ("Paris", 2.35, 48.86),
        ] {
            assert!(!in_netherlands(LonLat::new(lon, lat)), "{name} accepted");
        }
    }

    #[test]
    fn outside_the_netherlands_gets_a_clear_message() {
        let mut r = report();
        r.location.point = Some(PointInput::Wgs84 {
            lon: 4.40,
            lat: 51.22,
        });
        let e = validate_public(&r).unwrap_err();
        assert_eq!(
            e.0,
            vec![FieldError {
                field: Field::Location,
                problem: Problem::OutsideNetherlands
            }]
        );
        assert!(e.0[0].message_nl().contains("buiten Nederland"));
        assert!(e.0[0].message_en().contains("outside the Netherlands"));
        // RD: Amersfoort (the RD origin) is fine, a point in Belgium (RD
        // x=150000, y=330000 ≈ Leuven) or far off the grid is not.
        assert!(
            check_point(PointInput::Rd {
                x: 155_000.0,
                y: 463_000.0
            })
            .is_ok()
        );
        assert_eq!(
            check_point(PointInput::Rd {
                x: 150_000.0,
                y: 330_000.0
            }),
            Err(Problem::OutsideNetherlands)
        );
        assert_eq!(
            check_point(PointInput::Rd {
                x: 900_000.0,
                y: 0.0
            }),
            Err(Problem::OutsideNetherlands)
        );
        assert_eq!(
            check_point(PointInput::Rd {
                x: f64::NAN,
                y: 0.0
            }),
            Err(Problem::BadCoordinates)
        );
        assert_eq!(
            check_point(PointInput::Wgs84 {
                lon: 5.0,
                lat: 95.0
            }),
            Err(Problem::BadCoordinates)
        );
    }

    #[test]
    fn every_field_error_is_reported() {
        let r = NewPublicSignal {
            category: "xtc".into(),
            description: "kort".into(),
            location: LocationInput {
                bag_object_id: Some("12345".into()),
                point: None,
            },
            contact: Some(ContactInput {
                opt_in: true,
                name: Some("x".repeat(101)),
                email: Some("jan@@example".into()),
                phone: Some("12345".into()),
            }),
        };
        let e = validate_public(&r).unwrap_err();
        let got: Vec<(Field, Problem)> = e.0.iter().map(|e| (e.field, e.problem)).collect();
        assert_eq!(
            got,
            vec![
                (Field::Category, Problem::UnknownCategory),
                (
                    Field::Description,
                    Problem::TooShort {
                        min: MIN_DESCRIPTION
                    }
                ),
                (Field::Location, Problem::BadBagObjectId),
                (Field::Name, Problem::TooLong { max: MAX_NAME }),
                (Field::Email, Problem::BadEmail),
                (Field::Phone, Problem::BadPhone),
            ]
        );
        for fe in &e.0 {
            assert!(!fe.message_nl().is_empty() && !fe.message_en().is_empty());
            assert!(!fe.message_nl().contains("  ") && !fe.message_en().contains("  "));
        }
        let empty = validate_public(&NewPublicSignal::default()).unwrap_err();
        assert_eq!(empty.for_field(Field::Location).count(), 1);
        assert_eq!(empty.0.len(), 3);
        assert!(empty.0.iter().all(|e| e.problem == Problem::Required));
        let mut bad_text = report();
        bad_text.description = "Vaten gezien \u{0007} in de sloot".into();
        assert_eq!(
            validate_public(&bad_text).unwrap_err().0[0].problem,
            Problem::ControlCharacters
        );
        bad_text.description = "x".repeat(MAX_DESCRIPTION + 1);
        assert!(matches!(
            validate_public(&bad_text).unwrap_err().0[0].problem,
            Problem::TooLong { .. }
        ));
    }

    #[test]
    fn contact_details_only_with_opt_in() {
        let mut r = report();
        r.contact = Some(ContactInput {
            opt_in: false,
            name: None,
            email: Some("jan@example.nl".into()),
            phone: None,
        });
        assert_eq!(
            validate_public(&r).unwrap_err().0[0].problem,
            Problem::ContactWithoutOptIn
        );
        // An untouched contact block without the opt-in is just anonymous.
        r.contact = Some(ContactInput::default());
        assert_eq!(validate_public(&r).unwrap().contact, None);
        r.contact = Some(ContactInput {
            opt_in: true,
            name: Some(" Jan ".into()),
            ..ContactInput::default()
        });
        assert_eq!(
            validate_public(&r).unwrap_err().0[0].problem,
            Problem::OptInWithoutContact
        );
        r.contact = Some(ContactInput {
            opt_in: true,
            name: Some(" Jan ".into()),
            email: Some("Jan.Jansen@Example.NL".into()),
            phone: Some("06-12 34 56 78".into()),
        });
        let c = validate_public(&r).unwrap().contact.unwrap();
        assert_eq!(c.name.as_deref(), Some("Jan"));
        assert_eq!(c.email.as_deref(), Some("Jan.Jansen@example.nl"));
        assert_eq!(c.phone.as_deref(), Some("+31612345678"));
    }

    #[test]
    fn email_and_phone_formats() {
        for ok in [
            "a@b.nl",
            "jan.de-vries+melding@gemeente-x.nl",
            "x@sub.domain.example",
        ] {
            assert!(check_email(ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "a@b.c",
            "a@@b.nl",
            ".a@b.nl",
            "a..b@c.nl",
            "a b@c.nl",
            "a@-b.nl",
            "a@b.123",
            "<a>@b.nl",
        ] {
            assert!(check_email(bad).is_none(), "{bad}");
        }
        for (input, e164) in [
            ("0612345678", "+31612345678"),
            ("06 1234 5678", "+31612345678"),
            ("+31 6 12345678", "+31612345678"),
            ("+31 (0)6 12345678", "+31612345678"),
            ("0031612345678", "+31612345678"),
            ("020-1234567", "+31201234567"),
            ("+32 470 12 34 56", "+32470123456"),
            ("0049 30 1234567", "+49301234567"),
        ] {
            assert_eq!(check_phone(input).as_deref(), Some(e164), "{input}");
        }
        for bad in [
            "",
            "12345",
            "06123",
            "061234567890",
            "+31 06 12345678",
            "+31 6 1234",
            "0612abc678",
            "112",
        ] {
            assert!(check_phone(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bag_object_and_json_input() {
        let json = r#"{"category":"hennepteelt","description":"Sterke wietlucht bij de schuur",
            "location":{"bag_object_id":"0221010000123456"}}"#;
        let r: NewPublicSignal = serde_json::from_str(json).unwrap();
        let v = validate_public(&r).unwrap();
        assert_eq!(
            v.location.bag_object_id.unwrap().as_str(),
            "0221010000123456"
        );
        assert_eq!(v.location.point, None);
        let json = r#"{"category":"overig","description":"Iets vreemds gezien hier",
            "location":{"point":{"crs":"rd","x":155000,"y":463000}}}"#;
        let r: NewPublicSignal = serde_json::from_str(json).unwrap();
        assert!(validate_public(&r).is_ok());
    }

    #[test]
    fn intake_needs_a_professional_source() {
        let mut i = NewIntakeSignal {
            source: "erfbetreder".into(),
            category: "benaderd_door_criminelen".into(),
            description: "Boer is gevraagd zijn loods te verhuren voor contant geld.".into(),
            location: LocationInput {
                bag_object_id: Some("0221010000123456".into()),
                point: None,
            },
        };
        let v = validate_intake(&i).unwrap();
        assert_eq!(v.source, IntakeSource::Erfbetreder);
        i.source = "publiek".into();
        i.description = "kort".into();
        let e = validate_intake(&i).unwrap_err();
        assert_eq!(
            e.0[0],
            FieldError {
                field: Field::Source,
                problem: Problem::UnknownSource
            }
        );
        assert_eq!(e.0.len(), 2);
        i.source = String::new();
        assert_eq!(
            validate_intake(&i).unwrap_err().0[0].problem,
            Problem::Required
        );
    }

    proptest! {
        #[test]
        fn validation_never_panics(
            cat in "\\PC{0,20}", desc in "\\PC{0,60}", bag in proptest::option::of("\\PC{0,20}"),
            lon in proptest::num::f64::ANY, lat in proptest::num::f64::ANY,
            email in proptest::option::of("\\PC{0,30}"), phone in proptest::option::of("\\PC{0,20}"),
            opt_in in proptest::bool::ANY,
        ) {
            let r = NewPublicSignal {
                category: cat,
                description: desc,
                location: LocationInput { bag_object_id: bag, point: Some(PointInput::Wgs84 { lon, lat }) },
                contact: Some(ContactInput { opt_in, name: None, email, phone }),
            };
            let _ = validate_public(&r);
            let _ = check_point(PointInput::Rd { x: lon, y: lat });
        }
    }
}
