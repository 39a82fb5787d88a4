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
    /// Per indicator: (name, weight, contribution), in score order.
    pub fn terms(&self) -> [(&'static str, f64, f64); 6] {
        let c = contributions(
            self.incidenten_1km_5j,
            self.signalen_500m_2j,
            self.isolatie_m,
            self.agrarisch_gestopt,
            self.groot_bedrijfspand,
            self.buiten_gebruik,
        );
        [
            ("incidenten_1km_5j", 0.30, c[0]),
            ("signalen_500m_2j", 0.15, c[1]),
            ("isolatie_m", 0.15, c[2]),
            ("agrarisch_gestopt", 0.20, c[3]),
            ("groot_bedrijfspand", 0.10, c[4]),
            ("buiten_gebruik", 0.10, c[5]),
        ]
    }
}

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

/// The start of "the last `years` years": `peildatum - years` (29 Feb → 28 Feb).
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

/// The contributions of the six indicators, exactly as the spec writes them.
pub fn contributions(
    incidents: u32,
    signals: u32,
    isolatie_m: f64,
    agrarisch_gestopt: bool,
    groot_bedrijfspand: bool,
    buiten_gebruik: bool,
) -> [f64; 6] {
    [
        0.30 * f64::from(incidents.min(5)) / 5.0,
        0.15 * f64::from(signals.min(5)) / 5.0,
        0.15 * ((isolatie_m - 100.0) / 900.0).clamp(0.0, 1.0),
        0.20 * f64::from(u8::from(agrarisch_gestopt)),
        0.10 * f64::from(u8::from(groot_bedrijfspand)),
        0.10 * f64::from(u8::from(buiten_gebruik)),
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

/// CBS 500 m square code of a point: `E{floor(x/500)*5:04}N{floor(y/500)*5:04}`.
pub fn square_code(x: f64, y: f64) -> String {
    let e = (x / 500.0).floor() as i64 * 5;
    let n = (y / 500.0).floor() as i64 * 5;
    format!("E{e:04}N{n:04}")
}

/// The municipality an incident counts for: the smallest statcode whose polygon covers it.
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
