//! Inputs and outputs of the scan, and the rules shared by both engines.

use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub gemeente: String,
    /// Raw `;`-separated BAG usage purposes.
    pub gebruiksdoel: String,
    pub oppervlakte: i64,
    pub bouwjaar: i32,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Business {
    pub kvk: String,
    pub adres_id: String,
    pub sbi: String,
    pub start: Date,
    pub einde: Option<Date>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub datum: Date,
    pub soort: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub datum: Date,
    pub categorie: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    pub statcode: String,
    pub statnaam: String,
    /// Polygons → rings (first exterior, rest holes) → points (RD New).
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanInput {
    pub addresses: Vec<Address>,
    pub businesses: Vec<Business>,
    pub incidents: Vec<Incident>,
    pub signals: Vec<Signal>,
    pub municipalities: Vec<Municipality>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Klasse {
    Hoog,
    Midden,
    Laag,
}

impl Klasse {
    pub fn as_str(self) -> &'static str {
        match self {
            Klasse::Hoog => "hoog",
            Klasse::Midden => "midden",
            Klasse::Laag => "laag",
        }
    }
    pub fn of(score: f64) -> Klasse {
        if score >= 0.5 {
            Klasse::Hoog
        } else if score >= 0.25 {
            Klasse::Midden
        } else {
            Klasse::Laag
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AddressResult {
    pub id: String,
    pub oad: f64,
    pub buitengebied: bool,
    pub incidenten_1km_5j: u32,
    pub signalen_500m_2j: u32,
    pub isolatie_m: f64,
    pub agrarisch_gestopt: bool,
    pub groot_bedrijfspand: bool,
    pub buiten_gebruik: bool,
    pub score: f64,
    pub klasse: Klasse,
}

impl AddressResult {
    /// The explanation of the score, per indicator in score order:
    /// `(indicator, value, weight, contribution)`. `value` is the indicator
    /// as it enters the formula (a count, metres, or 0/1 for a boolean);
    /// `contribution` is that indicator's term of the score, computed exactly
    /// as [`contributions`] does, so the contributions summed left to right
    /// give [`AddressResult::score`] bit for bit.
    pub fn terms(&self) -> [(&'static str, f64, f64, f64); 6] {
        let c = contributions(
            self.incidenten_1km_5j,
            self.signalen_500m_2j,
            self.isolatie_m,
            self.agrarisch_gestopt,
            self.groot_bedrijfspand,
            self.buiten_gebruik,
        );
        let b = |v: bool| if v { 1.0 } else { 0.0 };
        [
            (
                "incidenten_1km_5j",
                f64::from(self.incidenten_1km_5j),
                WEIGHTS[0],
                c[0],
            ),
            (
                "signalen_500m_2j",
                f64::from(self.signalen_500m_2j),
                WEIGHTS[1],
                c[1],
            ),
            ("isolatie_m", self.isolatie_m, WEIGHTS[2], c[2]),
            (
                "agrarisch_gestopt",
                b(self.agrarisch_gestopt),
                WEIGHTS[3],
                c[3],
            ),
            (
                "groot_bedrijfspand",
                b(self.groot_bedrijfspand),
                WEIGHTS[4],
                c[4],
            ),
            ("buiten_gebruik", b(self.buiten_gebruik), WEIGHTS[5], c[5]),
        ]
    }
}

/// The weights of the six indicators, in score order (spec v1).
pub const WEIGHTS: [f64; 6] = [0.30, 0.15, 0.15, 0.20, 0.10, 0.10];

#[derive(Debug, Clone, PartialEq)]
pub struct MunicipalityResult {
    pub statcode: String,
    pub adressen: u64,
    pub buitengebied: u64,
    pub hoog: u64,
    pub midden: u64,
    pub laag: u64,
    pub incidenten_5j: u64,
    pub gemiddelde_score: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SquareResult {
    pub vierkant: String,
    pub adressen: u64,
    pub buitengebied: u64,
    pub hoog: u64,
    pub gemiddelde_score: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanOutput {
    pub addresses: Vec<AddressResult>,
    pub municipalities: Vec<MunicipalityResult>,
    pub squares: Vec<SquareResult>,
}

/// The start of "the last `years` years": `peildatum - years` calendar years
/// (29 February → 28 February when the target year is not a leap year).
/// A negative `years` adds years (used for retention dates).
pub fn window_start(peildatum: Date, years: i32) -> Date {
    let y = peildatum.year() - years;
    Date::from_calendar_date(y, peildatum.month(), peildatum.day())
        .or_else(|_| Date::from_calendar_date(y, peildatum.month(), peildatum.day() - 1))
        .unwrap_or(Date::MIN)
}

/// `peildatum - years <= d < peildatum`.
pub fn in_last_years(d: Date, peildatum: Date, years: i32) -> bool {
    window_start(peildatum, years) <= d && d < peildatum
}

/// The contributions of the six indicators, exactly as the spec writes them:
/// `weight * value`, and for the capped counts `0.30 * min(n, 5) / 5`
/// (multiply first, then divide).
pub fn contributions(
    incidents: u32,
    signals: u32,
    isolatie_m: f64,
    agrarisch_gestopt: bool,
    groot_bedrijfspand: bool,
    buiten_gebruik: bool,
) -> [f64; 6] {
    let b = |v: bool| if v { 1.0 } else { 0.0 };
    [
        WEIGHTS[0] * f64::from(incidents.min(5)) / 5.0,
        WEIGHTS[1] * f64::from(signals.min(5)) / 5.0,
        WEIGHTS[2] * ((isolatie_m - 100.0) / 900.0).clamp(0.0, 1.0),
        WEIGHTS[3] * b(agrarisch_gestopt),
        WEIGHTS[4] * b(groot_bedrijfspand),
        WEIGHTS[5] * b(buiten_gebruik),
    ]
}

/// The score: the contributions summed left to right.
pub fn score(c: [f64; 6]) -> f64 {
    c[0] + c[1] + c[2] + c[3] + c[4] + c[5]
}

pub fn groot_bedrijfspand(a: &Address) -> bool {
    a.oppervlakte >= 500
        && a.gebruiksdoel
            .split(';')
            .any(|d| d == "industriefunctie" || d == "overige gebruiksfunctie")
}

pub fn buiten_gebruik(a: &Address) -> bool {
    a.status == "Verblijfsobject buiten gebruik"
}

/// `agrarisch_gestopt` from the businesses registered at one address.
pub fn agrarisch_gestopt<'a>(
    businesses: impl IntoIterator<Item = &'a Business> + Clone,
    peildatum: Date,
) -> bool {
    let stopped = businesses.clone().into_iter().any(|b| {
        b.sbi.starts_with("01") && b.einde.is_some_and(|e| in_last_years(e, peildatum, 10))
    });
    let active = businesses
        .into_iter()
        .any(|b| b.start <= peildatum && b.einde.is_none_or(|e| e > peildatum));
    stopped && !active
}

/// The CBS 500 m square holding a point, as `(E, N)` in hectometres of its
/// lower-left corner: `(floor(x/500)*5, floor(y/500)*5)`.
pub fn square_key(x: f64, y: f64) -> (i64, i64) {
    (
        ((x / 500.0).floor() as i64).saturating_mul(5),
        ((y / 500.0).floor() as i64).saturating_mul(5),
    )
}

/// The code of a square key: `E{e:04}N{n:04}`.
pub fn square_code_of(key: (i64, i64)) -> String {
    format!("E{:04}N{:04}", key.0, key.1)
}

/// CBS 500 m square code of a point: `E{floor(x/500)*5:04}N{floor(y/500)*5:04}`.
pub fn square_code(x: f64, y: f64) -> String {
    square_code_of(square_key(x, y))
}

/// The municipalities as validated `bz_geo` multipolygons (`None` where a
/// polygon is not valid). The scan engine does not use this (it indexes the
/// rings as given); it is kept for callers that assign points to
/// municipalities with `bz_geo`.
pub fn municipality_polygons(ms: &[Municipality]) -> Vec<Option<bz_geo::MultiPolygon>> {
    ms.iter()
        .map(|m| {
            let polys: Option<Vec<bz_geo::Polygon>> = m
                .polygons
                .iter()
                .map(|rings| {
                    bz_geo::Polygon::new(
                        rings
                            .iter()
                            .map(|r| {
                                r.iter()
                                    .map(|p| bz_geo::RdPoint { x: p[0], y: p[1] })
                                    .collect()
                            })
                            .collect(),
                    )
                    .ok()
                })
                .collect();
            polys.and_then(|p| bz_geo::MultiPolygon::new(p).ok())
        })
        .collect()
}
