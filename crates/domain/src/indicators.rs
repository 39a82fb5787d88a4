//! Configurable, versioned indicator sets of the gebiedsscan.
//!
//! An indicator set chooses which of the six v1 indicators count, with which
//! weight, with which cap or scale, and where the classes `hoog` and `midden`
//! begin. The indicators form a closed list ([`IndicatorKind`]), each reading
//! one whitelisted data category ([`DataCategory`]); nothing else can be
//! configured. Names that refer to special categories of personal data
//! (health, ethnicity, nationality, religion, …; AVG art. 9) are refused with
//! their own message, so that nobody can even try to add them.
//!
//! Sets are versioned: an approved version never changes; a change is a new
//! version (a draft) that someone other than its author approves (four eyes).
//! The default set is spec v1 ([`IndicatorSet::v1`]), version 1 of key
//! `gebiedsscan-v1`; it lives in code, is always approved and cannot change.
//!
//! [`score`] computes a score exactly like the spec does (each term as
//! `weight * value`, capped counts as `weight * min(n, cap) / cap`, summed
//! left to right in the v1 order), so for the v1 set it is bit-identical to
//! [`crate::scan::contributions`] and to the engine in `bz_scan`.

use crate::access::Subject;
use crate::identity::Role;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// Key of the default set (spec v1).
pub const DEFAULT_KEY: &str = crate::scan::INDICATOR_SET_V1;
/// The version of the default set.
pub const DEFAULT_VERSION: i64 = 1;
/// Tolerance for "the weights sum to 1".
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-9;

/// The data categories an indicator may read: this is the whitelist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DataCategory {
    /// Incidents registered by partners (police, Omgevingsdienst, …), located.
    PartnerIncidents,
    /// Signals (reports) from residents and professionals, located.
    Signals,
    /// BAG addresses and their location (geometry).
    BagLocation,
    /// BAG use purpose and floor area of a verblijfsobject.
    BagBuilding,
    /// BAG status of a verblijfsobject.
    BagStatus,
    /// KvK business registrations at an address.
    KvkBusinesses,
}

impl DataCategory {
    pub const ALL: [DataCategory; 6] = [
        DataCategory::PartnerIncidents,
        DataCategory::Signals,
        DataCategory::BagLocation,
        DataCategory::BagBuilding,
        DataCategory::BagStatus,
        DataCategory::KvkBusinesses,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DataCategory::PartnerIncidents => "partner_incidenten",
            DataCategory::Signals => "signalen",
            DataCategory::BagLocation => "bag_ligging",
            DataCategory::BagBuilding => "bag_gebruik_oppervlakte",
            DataCategory::BagStatus => "bag_status",
            DataCategory::KvkBusinesses => "kvk_bedrijven",
        }
    }
}

/// How an indicator's raw value becomes its 0..1 factor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Scaling {
    /// A count: `min(n, cap) / cap`.
    Capped { cap: f64 },
    /// A distance in metres: `clamp((m - from_m) / (to_m - from_m), 0, 1)`.
    Linear { from_m: f64, to_m: f64 },
    /// A yes/no fact: 0 or 1.
    Flag,
}

/// The closed list of indicators (the v1 indicators, in score order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum IndicatorKind {
    Incidents,
    Signals,
    Isolation,
    AgrarischGestopt,
    GrootBedrijfspand,
    BuitenGebruik,
}

impl IndicatorKind {
    /// All indicators in score order.
    pub const ALL: [IndicatorKind; 6] = [
        IndicatorKind::Incidents,
        IndicatorKind::Signals,
        IndicatorKind::Isolation,
        IndicatorKind::AgrarischGestopt,
        IndicatorKind::GrootBedrijfspand,
        IndicatorKind::BuitenGebruik,
    ];
    /// The indicator's name, as in the spec and the catalogue keys `indicator.<name>`.
    pub fn name(self) -> &'static str {
        match self {
            IndicatorKind::Incidents => "incidenten_1km_5j",
            IndicatorKind::Signals => "signalen_500m_2j",
            IndicatorKind::Isolation => "isolatie_m",
            IndicatorKind::AgrarischGestopt => "agrarisch_gestopt",
            IndicatorKind::GrootBedrijfspand => "groot_bedrijfspand",
            IndicatorKind::BuitenGebruik => "buiten_gebruik",
        }
    }
    /// The data category the indicator reads.
    pub fn category(self) -> DataCategory {
        match self {
            IndicatorKind::Incidents => DataCategory::PartnerIncidents,
            IndicatorKind::Signals => DataCategory::Signals,
            IndicatorKind::Isolation => DataCategory::BagLocation,
            IndicatorKind::AgrarischGestopt => DataCategory::KvkBusinesses,
            IndicatorKind::GrootBedrijfspand => DataCategory::BagBuilding,
            IndicatorKind::BuitenGebruik => DataCategory::BagStatus,
        }
    }
    /// Position in score order.
    pub fn index(self) -> usize {
        self as usize
    }
    /// The spec v1 weight and scaling.
    pub fn v1(self) -> (f64, Scaling) {
        match self {
            IndicatorKind::Incidents => (0.30, Scaling::Capped { cap: 5.0 }),
            IndicatorKind::Signals => (0.15, Scaling::Capped { cap: 5.0 }),
            IndicatorKind::Isolation => (
                0.15,
                Scaling::Linear {
                    from_m: 100.0,
                    to_m: 1000.0,
                },
            ),
            IndicatorKind::AgrarischGestopt => (0.20, Scaling::Flag),
            IndicatorKind::GrootBedrijfspand => (0.10, Scaling::Flag),
            IndicatorKind::BuitenGebruik => (0.10, Scaling::Flag),
        }
    }
    /// Parse an indicator name: only the whitelist; special-category names get their own refusal.
    pub fn parse(name: &str) -> Result<IndicatorKind, Reason> {
        if refers_to_special_category(name) {
            return Err(Reason::SpecialCategory);
        }
        IndicatorKind::ALL
            .into_iter()
            .find(|k| k.name() == name.trim())
            .ok_or(Reason::UnknownIndicator)
    }
}

/// Word stems that refer to special categories of personal data (AVG art. 9)
/// or to nationality; matched anywhere in a lower-cased name.
const SPECIAL_STEMS: &[&str] = &[
    "gezondheid",
    "health",
    "medisch",
    "medical",
    "medicijn",
    "medicatie",
    "ziekte",
    "ziekt",
    "disease",
    "diagnos",
    "handicap",
    "beperking",
    "disabilit",
    "etnic",
    "etnis",
    "ethnic",
    "afkomst",
    "herkomst",
    "migratieachtergrond",
    "migrant",
    "allochto",
    "nationalit",
    "staatsburger",
    "citizenship",
    "religi",
    "godsdienst",
    "geloof",
    "gelovig",
    "kerkgenootschap",
    "moskee",
    "islam",
    "moslim",
    "muslim",
    "christ",
    "joods",
    "jewish",
    "seksue",
    "sexual",
    "geaardheid",
    "politiek",
    "political",
    "vakbond",
    "tradeunion",
    "trade_union",
    "biometri",
    "genetisch",
    "genetic",
];

/// Short words that count only as a whole word (they occur inside harmless words).
const SPECIAL_WORDS: &[&str] = &["ras", "race", "huidskleur", "geloof", "faith", "nation"];

/// Does `name` refer to special-category data (health, ethnicity, nationality,
/// religion, sexual orientation, political opinion, trade union, biometric or
/// genetic data)? Case and accents are ignored.
pub fn refers_to_special_category(name: &str) -> bool {
    let lower: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            c => c,
        })
        .collect();
    let compact: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    if SPECIAL_STEMS
        .iter()
        .any(|s| lower.contains(s) || compact.contains(s))
    {
        return true;
    }
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| SPECIAL_WORDS.contains(&w))
}

/// One indicator in a set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IndicatorConfig {
    pub indicator: IndicatorKind,
    pub enabled: bool,
    pub weight: f64,
    pub scaling: Scaling,
}

/// Where the classes begin: `hoog` for score ≥ hoog, `midden` for score ≥ midden.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cutoffs {
    pub hoog: f64,
    pub midden: f64,
}

/// The class of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
}

impl Cutoffs {
    pub fn klasse(&self, score: f64) -> Klasse {
        if score >= self.hoog {
            Klasse::Hoog
        } else if score >= self.midden {
            Klasse::Midden
        } else {
            Klasse::Laag
        }
    }
}

/// A version of an indicator set. `indicators` holds all six indicators in
/// score order (disabled ones with their parameters), after [`IndicatorSet::normalise`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorSet {
    pub key: String,
    pub version: i64,
    pub name: String,
    pub indicators: Vec<IndicatorConfig>,
    pub cutoffs: Cutoffs,
}

/// Why a field of a set is refused. Each has a message in both catalogues
/// (`message_key`), and an English text for logs (`Display`).
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum Reason {
    #[error("required")]
    Required,
    #[error("not a number")]
    NotANumber,
    #[error("a weight must lie between 0 and 1")]
    WeightRange,
    #[error("the weights of the enabled indicators sum to {sum}, not 1")]
    WeightsSum { sum: f64 },
    #[error("at least one indicator must be enabled")]
    NoneEnabled,
    #[error("a cut-off must lie above 0 and at most 1")]
    CutoffRange,
    #[error("the cut-off of midden must lie below the cut-off of hoog")]
    CutoffOrder,
    #[error("a cap must be a positive number")]
    CapNotPositive,
    #[error("the scale must start at 0 m or more and end after its start")]
    ScaleOrder,
    #[error("unknown indicator: only the indicators of the whitelist can be configured")]
    UnknownIndicator,
    #[error(
        "special-category personal data (health, ethnicity, nationality, religion, …) can never be an indicator"
    )]
    SpecialCategory,
    #[error("this indicator occurs twice")]
    DuplicateIndicator,
    #[error("a key has 3 to 40 lower-case letters, digits and hyphens, starting with a letter")]
    BadKey,
    #[error("a name has 3 to 100 characters")]
    NameLength,
    #[error("unknown field")]
    UnknownField,
}

impl Reason {
    /// Stable key of the message in the catalogues (`nl.yml`, `en.yml`).
    pub fn message_key(self) -> &'static str {
        match self {
            Reason::Required => "indicatorset.err.required",
            Reason::NotANumber => "indicatorset.err.not_a_number",
            Reason::WeightRange => "indicatorset.err.weight_range",
            Reason::WeightsSum { .. } => "indicatorset.err.weights_sum",
            Reason::NoneEnabled => "indicatorset.err.none_enabled",
            Reason::CutoffRange => "indicatorset.err.cutoff_range",
            Reason::CutoffOrder => "indicatorset.err.cutoff_order",
            Reason::CapNotPositive => "indicatorset.err.cap_positive",
            Reason::ScaleOrder => "indicatorset.err.scale_order",
            Reason::UnknownIndicator => "indicatorset.err.unknown_indicator",
            Reason::SpecialCategory => "indicatorset.err.special_category",
            Reason::DuplicateIndicator => "indicatorset.err.duplicate",
            Reason::BadKey => "indicatorset.err.bad_key",
            Reason::NameLength => "indicatorset.err.name_length",
            Reason::UnknownField => "indicatorset.err.unknown_field",
        }
    }
    /// Placeholders of the message (`%{sum}`).
    pub fn args(self) -> Vec<(&'static str, String)> {
        match self {
            Reason::WeightsSum { sum } => vec![("sum", format!("{sum:.4}"))],
            _ => Vec::new(),
        }
    }
}

/// A refused field: its name in the form (`<indicator>.weight`, `cutoff_hoog`, …) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub field: String,
    pub reason: Reason,
}

fn problem(field: impl Into<String>, reason: Reason) -> Problem {
    Problem {
        field: field.into(),
        reason,
    }
}

/// The raw indicator values of one address, as the engine computes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawValues {
    pub incidents: u32,
    pub signals: u32,
    pub isolatie_m: f64,
    pub agrarisch_gestopt: bool,
    pub groot_bedrijfspand: bool,
    pub buiten_gebruik: bool,
}

impl RawValues {
    /// The value as it enters the formula (a count, metres, or 0/1).
    pub fn value(&self, kind: IndicatorKind) -> f64 {
        let b = |v: bool| if v { 1.0 } else { 0.0 };
        match kind {
            IndicatorKind::Incidents => f64::from(self.incidents),
            IndicatorKind::Signals => f64::from(self.signals),
            IndicatorKind::Isolation => self.isolatie_m,
            IndicatorKind::AgrarischGestopt => b(self.agrarisch_gestopt),
            IndicatorKind::GrootBedrijfspand => b(self.groot_bedrijfspand),
            IndicatorKind::BuitenGebruik => b(self.buiten_gebruik),
        }
    }
}

/// The contribution of one indicator, evaluated as the spec writes it.
pub fn contribution(c: &IndicatorConfig, value: f64) -> f64 {
    if !c.enabled {
        return 0.0;
    }
    let w = c.weight;
    match c.scaling {
        Scaling::Capped { cap } => w * value.min(cap) / cap,
        Scaling::Linear { from_m, to_m } => {
            w * ((value - from_m) / (to_m - from_m)).clamp(0.0, 1.0)
        }
        Scaling::Flag => w * value,
    }
}

/// Score an address with a set: `(score, contributions in score order, class)`.
/// Disabled indicators contribute 0; the terms are summed left to right.
pub fn score(set: &IndicatorSet, raw: &RawValues) -> (f64, [f64; 6], Klasse) {
    let mut c = [0.0; 6];
    for cfg in &set.indicators {
        c[cfg.indicator.index()] = contribution(cfg, raw.value(cfg.indicator));
    }
    let s = c[0] + c[1] + c[2] + c[3] + c[4] + c[5];
    (s, c, set.cutoffs.klasse(s))
}

impl IndicatorSet {
    /// The default set: spec v1, exactly.
    pub fn v1() -> IndicatorSet {
        IndicatorSet {
            key: DEFAULT_KEY.into(),
            version: DEFAULT_VERSION,
            name: "Gebiedsscan v1 (specificatie)".into(),
            indicators: IndicatorKind::ALL
                .into_iter()
                .map(|k| {
                    let (weight, scaling) = k.v1();
                    IndicatorConfig {
                        indicator: k,
                        enabled: true,
                        weight,
                        scaling,
                    }
                })
                .collect(),
            cutoffs: Cutoffs {
                hoog: crate::scan::HOOG_FROM,
                midden: crate::scan::MIDDEN_FROM,
            },
        }
    }

    /// Is this the built-in default set?
    pub fn is_default(&self) -> bool {
        self.key == DEFAULT_KEY && self.version == DEFAULT_VERSION
    }

    /// `key@version`, as a run stores it.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.key, self.version)
    }

    /// The configuration of one indicator.
    pub fn get(&self, kind: IndicatorKind) -> Option<&IndicatorConfig> {
        self.indicators.iter().find(|c| c.indicator == kind)
    }

    /// The enabled indicators, in score order.
    pub fn enabled(&self) -> impl Iterator<Item = &IndicatorConfig> {
        self.indicators.iter().filter(|c| c.enabled)
    }

    /// Sort into score order and add missing indicators as disabled (v1 parameters, weight 0).
    pub fn normalise(&mut self) {
        for k in IndicatorKind::ALL {
            if self.get(k).is_none() {
                let (_, scaling) = k.v1();
                self.indicators.push(IndicatorConfig {
                    indicator: k,
                    enabled: false,
                    weight: 0.0,
                    scaling,
                });
            }
        }
        self.indicators.sort_by_key(|c| c.indicator);
    }

    /// Check every rule; all problems at once.
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut out = Vec::new();
        if !valid_key(&self.key) {
            out.push(problem("key", Reason::BadKey));
        }
        let n = self.name.trim().chars().count();
        if !(3..=100).contains(&n) {
            out.push(problem("name", Reason::NameLength));
        }
        let mut seen = Vec::new();
        for c in &self.indicators {
            let name = c.indicator.name();
            if seen.contains(&c.indicator) {
                out.push(problem(name, Reason::DuplicateIndicator));
            }
            seen.push(c.indicator);
            if !(c.weight.is_finite() && (0.0..=1.0).contains(&c.weight)) {
                out.push(problem(format!("{name}.weight"), Reason::WeightRange));
            }
            match c.scaling {
                Scaling::Capped { cap } => {
                    if !(cap.is_finite() && cap > 0.0) {
                        out.push(problem(format!("{name}.cap"), Reason::CapNotPositive));
                    }
                }
                Scaling::Linear { from_m, to_m } => {
                    if !(from_m.is_finite() && to_m.is_finite() && from_m >= 0.0 && to_m > from_m) {
                        out.push(problem(format!("{name}.to_m"), Reason::ScaleOrder));
                    }
                }
                Scaling::Flag => {}
            }
            let expected = std::mem::discriminant(&c.indicator.v1().1);
            if std::mem::discriminant(&c.scaling) != expected {
                out.push(problem(name, Reason::UnknownField));
            }
        }
        if self.enabled().next().is_none() {
            out.push(problem("indicators", Reason::NoneEnabled));
        } else {
            let sum: f64 = self.enabled().map(|c| c.weight).sum();
            // A weight that is not a number is refused on its own field.
            if sum.is_finite() && (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
                out.push(problem("weights", Reason::WeightsSum { sum }));
            }
        }
        let Cutoffs { hoog, midden } = self.cutoffs;
        let in_range = |x: f64| x.is_finite() && x > 0.0 && x <= 1.0;
        if !in_range(hoog) {
            out.push(problem("cutoff_hoog", Reason::CutoffRange));
        }
        if !in_range(midden) {
            out.push(problem("cutoff_midden", Reason::CutoffRange));
        }
        if in_range(hoog) && in_range(midden) && midden >= hoog {
            out.push(problem("cutoff_midden", Reason::CutoffOrder));
        }
        if out.is_empty() { Ok(()) } else { Err(out) }
    }

    /// The weights as a run stores them: indicator → weight (0 when disabled).
    pub fn weights_json(&self) -> Value {
        let m: Map<String, Value> = self
            .indicators
            .iter()
            .map(|c| {
                let w = if c.enabled { c.weight } else { 0.0 };
                (c.indicator.name().to_string(), json!(w))
            })
            .collect();
        Value::Object(m)
    }

    /// The definition as stored (JSON).
    pub fn to_json(&self) -> Value {
        let indicators: Vec<Value> = self
            .indicators
            .iter()
            .map(|c| {
                let mut o = json!({
                    "indicator": c.indicator.name(),
                    "category": c.indicator.category().as_str(),
                    "enabled": c.enabled,
                    "weight": c.weight,
                });
                match c.scaling {
                    Scaling::Capped { cap } => o["cap"] = json!(cap),
                    Scaling::Linear { from_m, to_m } => {
                        o["from_m"] = json!(from_m);
                        o["to_m"] = json!(to_m);
                    }
                    Scaling::Flag => {}
                }
                o
            })
            .collect();
        json!({
            "key": self.key,
            "version": self.version,
            "name": self.name,
            "cutoffs": { "hoog": self.cutoffs.hoog, "midden": self.cutoffs.midden },
            "indicators": indicators,
        })
    }

    /// Parse a definition from JSON (stored, or from the API) and validate it.
    /// Indicators missing from the list are disabled.
    pub fn from_json(v: &Value) -> Result<IndicatorSet, Vec<Problem>> {
        let mut out = Vec::new();
        let Some(o) = v.as_object() else {
            return Err(vec![problem("definition", Reason::Required)]);
        };
        for k in o.keys() {
            if !["key", "version", "name", "cutoffs", "indicators"].contains(&k.as_str()) {
                let reason = if refers_to_special_category(k) {
                    Reason::SpecialCategory
                } else {
                    Reason::UnknownField
                };
                out.push(problem(k.clone(), reason));
            }
        }
        let text = |f: &str| o.get(f).and_then(Value::as_str).unwrap_or("").to_string();
        let num = |v: Option<&Value>, field: &str, out: &mut Vec<Problem>| -> f64 {
            match v {
                None | Some(Value::Null) => {
                    out.push(problem(field, Reason::Required));
                    f64::NAN
                }
                Some(x) => x.as_f64().unwrap_or_else(|| {
                    out.push(problem(field, Reason::NotANumber));
                    f64::NAN
                }),
            }
        };
        let cut = o.get("cutoffs");
        let hoog = num(cut.and_then(|c| c.get("hoog")), "cutoff_hoog", &mut out);
        let midden = num(cut.and_then(|c| c.get("midden")), "cutoff_midden", &mut out);
        let mut indicators = Vec::new();
        let list = o.get("indicators").and_then(Value::as_array);
        if list.is_none() {
            out.push(problem("indicators", Reason::Required));
        }
        for item in list.into_iter().flatten() {
            let name = item
                .get("indicator")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let kind = match IndicatorKind::parse(name) {
                Ok(k) => k,
                Err(r) => {
                    out.push(problem(name, r));
                    continue;
                }
            };
            if let Some(io) = item.as_object() {
                for k in io.keys() {
                    if refers_to_special_category(k) {
                        out.push(problem(format!("{name}.{k}"), Reason::SpecialCategory));
                    }
                }
            }
            let enabled = item
                .get("enabled")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let weight = num(item.get("weight"), &format!("{name}.weight"), &mut out);
            let scaling = match kind.v1().1 {
                Scaling::Capped { .. } => Scaling::Capped {
                    cap: num(item.get("cap"), &format!("{name}.cap"), &mut out),
                },
                Scaling::Linear { .. } => Scaling::Linear {
                    from_m: num(item.get("from_m"), &format!("{name}.from_m"), &mut out),
                    to_m: num(item.get("to_m"), &format!("{name}.to_m"), &mut out),
                },
                Scaling::Flag => Scaling::Flag,
            };
            if indicators
                .iter()
                .any(|c: &IndicatorConfig| c.indicator == kind)
            {
                out.push(problem(name, Reason::DuplicateIndicator));
                continue;
            }
            indicators.push(IndicatorConfig {
                indicator: kind,
                enabled,
                weight,
                scaling,
            });
        }
        let mut set = IndicatorSet {
            key: text("key"),
            version: o.get("version").and_then(Value::as_i64).unwrap_or(0),
            name: text("name"),
            indicators,
            cutoffs: Cutoffs { hoog, midden },
        };
        set.normalise();
        finish(set, out)
    }

    /// Parse the form of the page `/gebiedsscan/indicatorsets/nieuw`: fields
    /// `key`, `name`, `cutoff_hoog`, `cutoff_midden` and per indicator
    /// `<name>.enabled`, `<name>.weight`, `<name>.cap` (counts) or
    /// `<name>.from_m`/`<name>.to_m` (distance). Decimal commas are accepted.
    /// Any other field is refused (special-category names with their own reason).
    pub fn from_form(
        fields: &[(String, String)],
        version: i64,
    ) -> Result<IndicatorSet, Vec<Problem>> {
        let mut out = Vec::new();
        let get = |f: &str| {
            fields
                .iter()
                .find(|(k, _)| k == f)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        for (k, _) in fields {
            if ["key", "name", "cutoff_hoog", "cutoff_midden", "_csrf"].contains(&k.as_str()) {
                continue;
            }
            let (ind, param) = k.split_once('.').unwrap_or((k.as_str(), ""));
            match IndicatorKind::parse(ind) {
                Err(r) => {
                    if !out.iter().any(|p: &Problem| p.field == ind) {
                        out.push(problem(ind, r));
                    }
                }
                Ok(kind) => {
                    let allowed: &[&str] = match kind.v1().1 {
                        Scaling::Capped { .. } => &["enabled", "weight", "cap"],
                        Scaling::Linear { .. } => &["enabled", "weight", "from_m", "to_m"],
                        Scaling::Flag => &["enabled", "weight"],
                    };
                    if !allowed.contains(&param) {
                        let reason = if refers_to_special_category(param) {
                            Reason::SpecialCategory
                        } else {
                            Reason::UnknownField
                        };
                        out.push(problem(k.clone(), reason));
                    }
                }
            }
        }
        let number = |field: &str, out: &mut Vec<Problem>| -> f64 {
            let raw = get(field);
            if raw.is_empty() {
                out.push(problem(field, Reason::Required));
                return f64::NAN;
            }
            match raw.replace(',', ".").parse::<f64>() {
                Ok(x) if x.is_finite() => x,
                _ => {
                    out.push(problem(field, Reason::NotANumber));
                    f64::NAN
                }
            }
        };
        let mut indicators = Vec::new();
        for kind in IndicatorKind::ALL {
            let n = kind.name();
            let enabled = matches!(
                get(&format!("{n}.enabled")).as_str(),
                "on" | "true" | "1" | "ja"
            );
            let wf = format!("{n}.weight");
            let weight = if !enabled && get(&wf).is_empty() {
                0.0
            } else {
                number(&wf, &mut out)
            };
            let scaling = match kind.v1().1 {
                Scaling::Capped { .. } => Scaling::Capped {
                    cap: number(&format!("{n}.cap"), &mut out),
                },
                Scaling::Linear { .. } => Scaling::Linear {
                    from_m: number(&format!("{n}.from_m"), &mut out),
                    to_m: number(&format!("{n}.to_m"), &mut out),
                },
                Scaling::Flag => Scaling::Flag,
            };
            indicators.push(IndicatorConfig {
                indicator: kind,
                enabled,
                weight,
                scaling,
            });
        }
        let hoog = number("cutoff_hoog", &mut out);
        let midden = number("cutoff_midden", &mut out);
        let set = IndicatorSet {
            key: get("key"),
            version,
            name: get("name"),
            indicators,
            cutoffs: Cutoffs { hoog, midden },
        };
        finish(set, out)
    }

    /// The form fields that show this set (for pre-filling the form).
    pub fn form_fields(&self) -> Vec<(String, String)> {
        let mut f = vec![
            ("key".to_string(), self.key.clone()),
            ("name".to_string(), self.name.clone()),
            ("cutoff_hoog".to_string(), fmt_num(self.cutoffs.hoog)),
            ("cutoff_midden".to_string(), fmt_num(self.cutoffs.midden)),
        ];
        for c in &self.indicators {
            let n = c.indicator.name();
            if c.enabled {
                f.push((format!("{n}.enabled"), "on".into()));
            }
            f.push((format!("{n}.weight"), fmt_num(c.weight)));
            match c.scaling {
                Scaling::Capped { cap } => f.push((format!("{n}.cap"), fmt_num(cap))),
                Scaling::Linear { from_m, to_m } => {
                    f.push((format!("{n}.from_m"), fmt_num(from_m)));
                    f.push((format!("{n}.to_m"), fmt_num(to_m)));
                }
                Scaling::Flag => {}
            }
        }
        f
    }
}

/// Shortest text that parses back to the same number.
pub fn fmt_num(x: f64) -> String {
    format!("{x}")
}

/// How an indicator's factor is computed, as a formula for people.
pub fn describe_scaling(s: Scaling) -> String {
    match s {
        Scaling::Capped { cap } => format!("min(n, {}) / {}", fmt_num(cap), fmt_num(cap)),
        Scaling::Linear { from_m, to_m } => format!(
            "clamp((m - {}) / {}, 0, 1)",
            fmt_num(from_m),
            fmt_num(to_m - from_m)
        ),
        Scaling::Flag => "0 or 1".into(),
    }
}

fn finish(set: IndicatorSet, mut out: Vec<Problem>) -> Result<IndicatorSet, Vec<Problem>> {
    if let Err(more) = set.validate() {
        for p in more {
            // A field already refused while parsing keeps its first reason.
            if !out.iter().any(|q| q.field == p.field) {
                out.push(p);
            }
        }
    }
    if out.is_empty() { Ok(set) } else { Err(out) }
}

fn valid_key(k: &str) -> bool {
    let n = k.chars().count();
    (3..=40).contains(&n)
        && k.starts_with(|c: char| c.is_ascii_lowercase())
        && k.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Parse a run's `indicator_set` reference: `key@version`; a bare key (runs
/// from before versioning) means version 1.
pub fn parse_reference(s: &str) -> Option<(String, i64)> {
    match s.rsplit_once('@') {
        Some((k, v)) => Some((k.to_string(), v.parse().ok().filter(|v| *v >= 1)?)),
        None if !s.is_empty() => Some((s.to_string(), DEFAULT_VERSION)),
        None => None,
    }
}

/// Lifecycle of a stored version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    Draft,
    Approved,
    Retired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::Retired => "retired",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "approved" => Some(Status::Approved),
            "retired" => Some(Status::Retired),
            _ => None,
        }
    }
}

/// Why an approval is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalDenied {
    #[error("only a beheerder or analist approves indicator sets")]
    Role,
    #[error("the author of a version cannot approve it (four eyes)")]
    OwnVersion,
    #[error("only a draft can be approved")]
    NotADraft,
}

impl ApprovalDenied {
    pub fn message_key(self) -> &'static str {
        match self {
            ApprovalDenied::Role => "indicatorset.err.approve_role",
            ApprovalDenied::OwnVersion => "indicatorset.err.approve_own",
            ApprovalDenied::NotADraft => "indicatorset.err.approve_not_draft",
        }
    }
}

/// Four eyes: a beheerder or analist who did not author the draft approves it.
pub fn may_approve(
    approver: &Subject,
    author_id: &str,
    status: Status,
) -> Result<(), ApprovalDenied> {
    if !(approver.has(Role::Beheerder) || approver.has(Role::Analist)) {
        return Err(ApprovalDenied::Role);
    }
    if approver.user_id == author_id {
        return Err(ApprovalDenied::OwnVersion);
    }
    if status != Status::Draft {
        return Err(ApprovalDenied::NotADraft);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::OrgType;
    use proptest::prelude::*;

    fn form(set: &IndicatorSet) -> Vec<(String, String)> {
        set.form_fields()
    }

    fn set_field(f: &mut Vec<(String, String)>, k: &str, v: &str) {
        f.retain(|(x, _)| x != k);
        f.push((k.to_string(), v.to_string()));
    }

    fn custom() -> IndicatorSet {
        let mut s = IndicatorSet::v1();
        s.key = "achterhoek".into();
        s.version = 1;
        s.name = "Achterhoek".into();
        s
    }

    #[test]
    fn v1_is_valid_and_matches_the_spec_constants() {
        let v1 = IndicatorSet::v1();
        assert_eq!(v1.validate(), Ok(()));
        assert!(v1.is_default());
        assert_eq!(v1.reference(), "gebiedsscan-v1@1");
        for (c, i) in v1.indicators.iter().zip(crate::scan::INDICATORS_V1) {
            assert_eq!(c.indicator.name(), i.name);
            assert_eq!(c.weight, i.weight);
        }
        for c in &v1.indicators {
            assert_eq!(
                describe_scaling(c.scaling),
                crate::scan::INDICATORS_V1[c.indicator.index()].scaling
            );
        }
    }

    #[test]
    fn every_indicator_reads_a_whitelisted_category() {
        for k in IndicatorKind::ALL {
            assert!(DataCategory::ALL.contains(&k.category()));
            assert_eq!(IndicatorKind::parse(k.name()), Ok(k));
        }
    }

    #[test]
    fn weights_must_sum_to_one() {
        let mut s = custom();
        s.indicators[0].weight = 0.40;
        let e = s.validate().unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "weights");
        assert!(matches!(e[0].reason, Reason::WeightsSum { sum } if (sum - 1.1).abs() < 1e-12));
        // Disabling the 0.10 indicator restores the sum.
        s.indicators[5].enabled = false;
        assert_eq!(s.validate(), Ok(()));
        // Within the tolerance.
        let mut s = custom();
        s.indicators[0].weight += 5e-10;
        assert_eq!(s.validate(), Ok(()));
        s.indicators[0].weight += 2e-9;
        assert!(s.validate().is_err());
    }

    #[test]
    fn weights_cutoffs_caps_and_enabled_are_checked() {
        let mut s = custom();
        s.indicators[0].weight = 1.3;
        s.indicators[1].weight = -0.3;
        let fields: Vec<String> = s
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert!(fields.contains(&"incidenten_1km_5j.weight".to_string()));
        assert!(fields.contains(&"signalen_500m_2j.weight".to_string()));

        let mut s = custom();
        s.cutoffs = Cutoffs {
            hoog: 0.3,
            midden: 0.3,
        };
        assert_eq!(s.validate().unwrap_err()[0].reason, Reason::CutoffOrder);
        s.cutoffs = Cutoffs {
            hoog: 1.2,
            midden: 0.0,
        };
        assert_eq!(s.validate().unwrap_err().len(), 2);
        s.cutoffs = Cutoffs {
            hoog: 1.0,
            midden: 0.9,
        };
        assert_eq!(s.validate(), Ok(()));

        let mut s = custom();
        s.indicators[0].scaling = Scaling::Capped { cap: 0.0 };
        s.indicators[2].scaling = Scaling::Linear {
            from_m: 500.0,
            to_m: 500.0,
        };
        let e = s.validate().unwrap_err();
        assert_eq!(
            e[0],
            problem("incidenten_1km_5j.cap", Reason::CapNotPositive)
        );
        assert_eq!(e[1], problem("isolatie_m.to_m", Reason::ScaleOrder));

        let mut s = custom();
        for c in &mut s.indicators {
            c.enabled = false;
        }
        assert_eq!(
            s.validate().unwrap_err(),
            vec![problem("indicators", Reason::NoneEnabled)]
        );

        let mut s = custom();
        s.key = "Bad Key".into();
        s.name = "x".into();
        assert_eq!(s.validate().unwrap_err().len(), 2);
    }

    #[test]
    fn special_category_names_are_refused_with_their_own_reason() {
        for n in [
            "gezondheid",
            "Gezondheid_bewoners",
            "health_score",
            "etniciteit",
            "ethnicity",
            "nationaliteit",
            "Nationality",
            "religie",
            "religion",
            "bewoners-religieuze-achtergrond",
            "migratieachtergrond",
            "ras",
            "race",
            "geloof",
            "medische_gegevens",
            "Étnische herkomst",
            "seksuele_geaardheid",
        ] {
            assert_eq!(IndicatorKind::parse(n), Err(Reason::SpecialCategory), "{n}");
        }
        for n in [
            "leeftijd_eigenaar",
            "inkomen",
            "grasland",
            "terrace",
            "paardenhouderij",
        ] {
            assert_eq!(
                IndicatorKind::parse(n),
                Err(Reason::UnknownIndicator),
                "{n}"
            );
        }
    }

    #[test]
    fn the_form_round_trips_and_refuses_unknown_and_special_fields() {
        let s = custom();
        assert_eq!(IndicatorSet::from_form(&form(&s), 1), Ok(s.clone()));
        let mut f = form(&s);
        set_field(&mut f, "nationaliteit.weight", "0.1");
        set_field(&mut f, "leeftijd.weight", "0.1");
        let e = IndicatorSet::from_form(&f, 1).unwrap_err();
        assert!(e.contains(&problem("nationaliteit", Reason::SpecialCategory)));
        assert!(e.contains(&problem("leeftijd", Reason::UnknownIndicator)));
        // A decimal comma works; a word does not.
        let mut f = form(&s);
        set_field(&mut f, "incidenten_1km_5j.weight", "0,30");
        assert!(IndicatorSet::from_form(&f, 1).is_ok());
        set_field(&mut f, "incidenten_1km_5j.weight", "veel");
        assert_eq!(
            IndicatorSet::from_form(&f, 1).unwrap_err(),
            vec![problem("incidenten_1km_5j.weight", Reason::NotANumber)]
        );
        // A disabled indicator without a weight counts as 0.
        let mut f = form(&s);
        f.retain(|(k, _)| !k.starts_with("buiten_gebruik"));
        set_field(&mut f, "groot_bedrijfspand.weight", "0.2");
        let p = IndicatorSet::from_form(&f, 1).unwrap();
        assert!(!p.indicators[5].enabled);
    }

    #[test]
    fn json_round_trips_and_refuses_unknown_and_special_indicators() {
        let s = custom();
        assert_eq!(IndicatorSet::from_json(&s.to_json()), Ok(s.clone()));
        let mut j = s.to_json();
        j["indicators"]
            .as_array_mut()
            .unwrap()
            .push(json!({"indicator": "religie", "enabled": true, "weight": 0.1}));
        let e = IndicatorSet::from_json(&j).unwrap_err();
        assert!(e.contains(&problem("religie", Reason::SpecialCategory)));
        let mut j = s.to_json();
        j["indicators"][0]["indicator"] = json!("woz_waarde");
        let e = IndicatorSet::from_json(&j).unwrap_err();
        assert!(e.contains(&problem("woz_waarde", Reason::UnknownIndicator)));
        let mut j = s.to_json();
        j["gezondheid"] = json!(1);
        let e = IndicatorSet::from_json(&j).unwrap_err();
        assert!(e.contains(&problem("gezondheid", Reason::SpecialCategory)));
    }

    #[test]
    fn references_parse() {
        assert_eq!(
            parse_reference("gebiedsscan-v1@1"),
            Some(("gebiedsscan-v1".into(), 1))
        );
        assert_eq!(
            parse_reference("gebiedsscan-v1"),
            Some(("gebiedsscan-v1".into(), 1))
        );
        assert_eq!(parse_reference("x@0"), None);
        assert_eq!(parse_reference("x@a"), None);
        assert_eq!(parse_reference(""), None);
    }

    #[test]
    fn four_eyes() {
        let s = |roles: &[Role]| Subject {
            user_id: "u1".into(),
            username: "u".into(),
            org_id: "o".into(),
            org_type: OrgType::Gemeente,
            roles: roles.to_vec(),
        };
        assert_eq!(
            may_approve(&s(&[Role::Analist]), "u1", Status::Draft),
            Err(ApprovalDenied::OwnVersion)
        );
        assert_eq!(
            may_approve(&s(&[Role::Analist]), "u2", Status::Draft),
            Ok(())
        );
        assert_eq!(
            may_approve(&s(&[Role::Beheerder]), "u2", Status::Draft),
            Ok(())
        );
        assert_eq!(
            may_approve(&s(&[Role::Aov]), "u2", Status::Draft),
            Err(ApprovalDenied::Role)
        );
        assert_eq!(
            may_approve(&s(&[Role::Beheerder]), "u2", Status::Approved),
            Err(ApprovalDenied::NotADraft)
        );
    }

    #[test]
    fn custom_weights_and_cutoffs_change_the_score() {
        let mut s = custom();
        s.indicators[0].weight = 0.10;
        s.indicators[3].weight = 0.40;
        s.cutoffs = Cutoffs {
            hoog: 0.6,
            midden: 0.3,
        };
        assert_eq!(s.validate(), Ok(()));
        let raw = RawValues {
            incidents: 10,
            signals: 0,
            isolatie_m: 0.0,
            agrarisch_gestopt: true,
            groot_bedrijfspand: false,
            buiten_gebruik: true,
        };
        let (score_, c, k) = score(&s, &raw);
        assert!((score_ - 0.60).abs() < 1e-12);
        assert_eq!(c[0], 0.10);
        assert_eq!(
            k,
            if score_ >= 0.6 {
                Klasse::Hoog
            } else {
                Klasse::Midden
            }
        );
        s.indicators[5].enabled = false;
        s.indicators[3].weight = 0.50;
        let (score_, c, _) = score(&s, &raw);
        assert_eq!(c[5], 0.0);
        assert!((score_ - 0.60).abs() < 1e-12);
    }

    fn v1_reference(raw: &RawValues) -> (f64, [f64; 6], &'static str) {
        let c = crate::scan::contributions(
            raw.incidents,
            raw.signals,
            raw.isolatie_m,
            raw.agrarisch_gestopt,
            raw.groot_bedrijfspand,
            raw.buiten_gebruik,
        );
        let s = c[0] + c[1] + c[2] + c[3] + c[4] + c[5];
        let k = if s >= 0.5 {
            "hoog"
        } else if s >= 0.25 {
            "midden"
        } else {
            "laag"
        };
        (s, c, k)
    }

    fn raw_values() -> impl Strategy<Value = RawValues> {
        (
            0u32..20,
            0u32..20,
            prop_oneof![
                0.0f64..6000.0,
                Just(100.0),
                Just(1000.0),
                Just(5000.0),
                Just(0.0)
            ],
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(i, s, m, a, g, b)| RawValues {
                incidents: i,
                signals: s,
                isolatie_m: m,
                agrarisch_gestopt: a,
                groot_bedrijfspand: g,
                buiten_gebruik: b,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn v1_scores_bit_identically_to_the_spec(raw in raw_values()) {
            let (s, c, k) = score(&IndicatorSet::v1(), &raw);
            let (rs, rc, rk) = v1_reference(&raw);
            prop_assert_eq!(s.to_bits(), rs.to_bits());
            for i in 0..6 {
                prop_assert_eq!(c[i].to_bits(), rc[i].to_bits());
            }
            prop_assert_eq!(k.as_str(), rk);
        }

        #[test]
        fn any_normalised_weights_validate_and_round_trip(
            ws in proptest::collection::vec(0.01f64..1.0, 6),
            on in proptest::collection::vec(any::<bool>(), 6),
            cap in 1u32..20,
            hoog in 0.2f64..1.0,
        ) {
            let mut s = custom();
            let on: Vec<bool> = if on.iter().any(|b| *b) { on } else { vec![true; 6] };
            let total: f64 = ws.iter().zip(&on).filter(|(_, e)| **e).map(|(w, _)| w).sum();
            for (i, c) in s.indicators.iter_mut().enumerate() {
                c.enabled = on[i];
                c.weight = ws[i] / total;
                if let Scaling::Capped { .. } = c.scaling {
                    c.scaling = Scaling::Capped { cap: f64::from(cap) };
                }
            }
            // Only the weights of enabled indicators must stay in range.
            for c in s.indicators.iter_mut() {
                if c.weight > 1.0 { c.weight = 1.0; }
            }
            let sum: f64 = s.enabled().map(|c| c.weight).sum();
            prop_assume!((sum - 1.0).abs() <= WEIGHT_SUM_TOLERANCE);
            s.cutoffs = Cutoffs { hoog, midden: hoog / 2.0 };
            prop_assert_eq!(s.validate(), Ok(()));
            prop_assert_eq!(IndicatorSet::from_json(&s.to_json()), Ok(s.clone()));
            prop_assert_eq!(IndicatorSet::from_form(&s.form_fields(), 1), Ok(s.clone()));
            // The score stays within 0..1 and its class follows the cut-offs.
            let raw = RawValues { incidents: 3, signals: 30, isolatie_m: 700.0, agrarisch_gestopt: true, groot_bedrijfspand: false, buiten_gebruik: true };
            let (sc, c, k) = score(&s, &raw);
            prop_assert!((0.0..=1.0 + 1e-9).contains(&sc));
            prop_assert_eq!(sc, c[0] + c[1] + c[2] + c[3] + c[4] + c[5]);
            prop_assert_eq!(k, s.cutoffs.klasse(sc));
        }

        #[test]
        fn a_wrong_sum_is_always_refused(extra in 0.0001f64..0.5) {
            let mut s = custom();
            s.indicators[4].weight += extra;
            let e = s.validate().unwrap_err();
            prop_assert!(e.iter().any(|p| p.field == "weights"));
        }

        #[test]
        fn names_with_special_category_stems_are_refused(pre in "[a-z_]{0,8}", stem in prop::sample::select(vec!["gezondheid", "health", "etniciteit", "ethnicity", "nationaliteit", "nationality", "religie", "religion"]), post in "[a-z_]{0,8}") {
            let name = format!("{pre}{stem}{post}");
            prop_assert_eq!(IndicatorKind::parse(&name), Err(Reason::SpecialCategory));
            let f = vec![(format!("{name}.weight"), "0.1".to_string())];
            let e = IndicatorSet::from_form(&f, 1).unwrap_err();
            prop_assert!(e.contains(&problem(name.as_str(), Reason::SpecialCategory)));
        }
    }
}
