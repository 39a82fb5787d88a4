//! What goes into the tile set, and what a request asks for.

use bz_geo::{MultiPolygon, RdPoint};
use serde::Serialize;
use time::Date;

/// Scan class of a location, ordered low → high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Klasse {
    Laag,
    Midden,
    Hoog,
}

impl Klasse {
    pub fn as_str(self) -> &'static str {
        match self {
            Klasse::Laag => "laag",
            Klasse::Midden => "midden",
            Klasse::Hoog => "hoog",
        }
    }

    pub fn parse(s: &str) -> Option<Klasse> {
        match s {
            "laag" => Some(Klasse::Laag),
            "midden" => Some(Klasse::Midden),
            "hoog" => Some(Klasse::Hoog),
            _ => None,
        }
    }
}

/// A municipality with its boundary (RD New).
#[derive(Debug, Clone)]
pub struct MunicipalityIn {
    pub code: String,
    pub name: String,
    pub boundary: MultiPolygon,
}

/// A scan result of an address in the chosen run(s).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanIn {
    pub klasse: Klasse,
    pub score: f64,
    pub buitengebied: bool,
}

/// An address (BAG verblijfsobject), scanned or not.
#[derive(Debug, Clone)]
pub struct AddressIn {
    pub id: String,
    pub rd: RdPoint,
    pub scan: Option<ScanIn>,
}

/// A dated point event: a partner incident (`kind`) or a signal (`category`).
#[derive(Debug, Clone)]
pub struct EventIn {
    pub id: String,
    pub rd: RdPoint,
    pub date: Date,
    pub kind: String,
}

/// Everything a tile set is built from, already limited to the areas the
/// viewer may see (the server builds one tile set per set of areas).
#[derive(Debug, Clone, Default)]
pub struct TileInput {
    pub municipalities: Vec<MunicipalityIn>,
    pub addresses: Vec<AddressIn>,
    pub incidents: Vec<EventIn>,
    pub signals: Vec<EventIn>,
}

/// The layers of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Layer {
    /// Municipality boundaries.
    Gemeenten,
    /// CBS 500 m squares (coarser cells at low zoom) with aggregates.
    Vierkanten,
    /// Scanned locations coloured by class.
    Locaties,
    /// Partner incidents by kind.
    Incidenten,
    /// Signals by category.
    Signalen,
}

impl Layer {
    pub const ALL: [Layer; 5] = [
        Layer::Gemeenten,
        Layer::Vierkanten,
        Layer::Locaties,
        Layer::Incidenten,
        Layer::Signalen,
    ];

    /// The layer's name inside a tile (and in the map style).
    pub fn name(self) -> &'static str {
        match self {
            Layer::Gemeenten => "gemeenten",
            Layer::Vierkanten => "vierkanten",
            Layer::Locaties => "locaties",
            Layer::Incidenten => "incidenten",
            Layer::Signalen => "signalen",
        }
    }

    pub fn parse(s: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.name() == s)
    }

    /// Layers that show aggregates only (what a private partner may see).
    pub fn is_aggregate(self) -> bool {
        matches!(self, Layer::Gemeenten | Layer::Vierkanten)
    }
}

/// A closed date interval; `None` ends are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Period {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Period {
    pub fn contains(&self, d: Date) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }
}

/// What one viewer may see, and how.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct View {
    /// The layers this viewer may receive; others are never encoded.
    pub layers: Vec<Layer>,
    /// Square cells with fewer addresses than this are shown without any
    /// figure (0 = no suppression; private partners get 5).
    pub min_cell_addresses: u32,
    pub period: Period,
}

impl View {
    pub fn allows(&self, l: Layer) -> bool {
        self.layers.contains(&l)
    }
}
