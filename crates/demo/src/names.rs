//! Word lists for fictional Dutch names (eastern Netherlands flavour).

/// The municipality and its main kern. Checked in the tests against the
/// CBS list of real municipality names.
pub const MUNICIPALITY_NAME: &str = "Heidewolde";

/// Kernen (built-up cores): the main one carries the municipality's name.
pub const KERN_NAMES: [&str; 3] = ["Heidewolde", "Esveld", "Kolthorst"];

/// Woonplaats of the far buitengebied (a buurtschap without a core).
pub const RURAL_WOONPLAATS: &str = "Vennebroek";

/// Postcode areas (first four digits) per woonplaats, in the order of
/// `KERN_NAMES` followed by the rural woonplaats.
pub const PC4: [&[u16]; 4] = [&[7291, 7292, 7293], &[7295], &[7297], &[7298]];

/// Street names for the old centre of a kern, used first.
pub const CENTRE_STREETS: &[&str] = &[
    "Dorpsstraat",
    "Kerkstraat",
    "Markt",
    "Molenstraat",
    "Nieuwstraat",
    "Stationsstraat",
    "Brink",
    "Kerkplein",
    "Achterstraat",
    "Raadhuisstraat",
    "Torenstraat",
    "Schoolstraat",
];

/// First parts of street names in the residential quarters.
pub const STREET_PREFIXES: &[&str] = &[
    "Beuken",
    "Eiken",
    "Linden",
    "Berken",
    "Wilgen",
    "Esdoorn",
    "Kastanje",
    "Populieren",
    "Elzen",
    "Iepen",
    "Platanen",
    "Sparren",
    "Dennen",
    "Lariks",
    "Hazelaar",
    "Vlier",
    "Hulst",
    "Meidoorn",
    "Lijsterbes",
    "Walnoot",
    "Rozen",
    "Tulpen",
    "Narcissen",
    "Lelie",
    "Anjer",
    "Margriet",
    "Zonnebloem",
    "Klaver",
    "Krokus",
    "Hyacint",
    "Seringen",
    "Jasmijn",
    "Brem",
    "Korenbloem",
    "Merel",
    "Lijster",
    "Vinken",
    "Meeuwen",
    "Specht",
    "Kievit",
    "Zwaluw",
    "Reiger",
    "Uilen",
    "Buizerd",
    "Havik",
    "Koekoek",
    "Wielewaal",
    "Roodborst",
    "Patrijs",
    "Fazant",
    "Koren",
    "Rogge",
    "Haver",
    "Gerst",
    "Vlas",
    "Hop",
    "Boekweit",
    "Esch",
    "Enk",
    "Kamp",
    "Hof",
    "Weide",
    "Akker",
    "Bongerd",
    "Gaarden",
    "Veld",
    "Zon",
    "Maan",
    "Ster",
];

pub const STREET_SUFFIXES: &[&str] = &[
    "straat", "laan", "hof", "pad", "singel", "erf", "plein", "dreef", "hoek", "kamp", "gaarde",
    "weg",
];

/// Titles for streets named after people.
pub const PERSON_STREET_TITLES: &[&str] = &[
    "Burgemeester",
    "Dokter",
    "Pastoor",
    "Meester",
    "Dominee",
    "Notaris",
];

/// Streets of an industrial estate.
pub const ESTATE_STREETS: &[&str] = &[
    "Industrieweg",
    "Ambachtsweg",
    "Nijverheidsweg",
    "Handelsweg",
    "Edisonstraat",
    "Fokkerstraat",
    "Transportweg",
    "Energieweg",
];

/// First parts of rural road names.
pub const ROAD_PREFIXES: &[&str] = &[
    "Broek", "Heide", "Es", "Veen", "Molen", "Kerk", "School", "Zand", "Beek", "Holt", "Horst",
    "Velde", "Marke", "Kolk", "Linde", "Dijk", "Grens", "Hessen", "Post", "Kapel", "Hoeve",
    "Bosch", "Loo", "Enk", "Vos", "Haar", "Riet", "Goor", "Maat", "Bult", "Berg", "Kuil",
    "Stroet", "Hooi", "Schaaps", "Ossen", "Ganzen", "Eik", "Beuk", "Bramen", "Vlas", "Tol",
    "Plas", "Ven", "Wolde", "Zwarte", "Witte", "Lange", "Korte", "Hoge", "Lage", "Oude", "Nieuwe",
    "Brink", "Schutters", "Kluin", "Mors", "Bree", "Aa", "Rams", "Wolfs", "Dassen", "Elzen",
    "Haver", "Rogge", "Gerst", "Klooster", "Pastorie", "Scholten", "Lamme", "Boeren",
];

pub const ROAD_SUFFIXES: &[&str] = &["weg", "dijk", "steeg", "laan", "pad", "straat"];

/// Surnames (eastern Netherlands).
pub const SURNAMES: &[&str] = &[
    "Jansen",
    "Nijhuis",
    "Wolters",
    "Hulshof",
    "Ter Horst",
    "Klein Gunnewiek",
    "Oude Groeniger",
    "Lammers",
    "Rouwhorst",
    "Wessels",
    "Bloemendaal",
    "Kamphuis",
    "Ter Haar",
    "Weenink",
    "Hendriks",
    "Meijer",
    "Heuvelink",
    "Rensink",
    "Slotboom",
    "Groot Wassink",
    "Stokkers",
    "Kuipers",
    "Eppink",
    "Brummelhuis",
    "Kolkman",
    "Lubbers",
    "Nijenhuis",
    "Pasman",
    "Tijink",
    "Vrielink",
    "Wansink",
    "Zwiers",
    "Hoenderboom",
    "Bosch",
    "Damhuis",
    "Elferink",
    "Garritsen",
    "Harbers",
    "Jolink",
    "Kroeze",
    "Leferink",
    "Morsink",
    "Oldenhave",
    "Roerdink",
    "Scholten",
    "Te Velde",
    "Ulenkate",
    "Velthuis",
    "Wieggers",
    "Ten Dam",
    "Mensink",
    "Bannink",
    "Gerritsen",
    "Hofman",
    "Klumper",
    "Lenderink",
    "Overbeek",
    "Reinders",
    "Smit",
    "Veldhuis",
    "Waanders",
    "Ikink",
    "Arink",
    "Boschker",
    "Dijkhuis",
];

/// First names, for shop and salon names.
pub const FIRST_NAMES: &[&str] = &[
    "Anja", "Marieke", "Ingrid", "Sanne", "Jolanda", "Petra", "Linda", "Esther", "Henk", "Gerrit",
    "Jan", "Bert", "Wim", "Erik", "Sander", "Ruud", "Harm", "Ilse", "Monique", "Karin",
];

/// Words for café and hotel names (`De …`).
pub const INN_WORDS: &[&str] = &[
    "Zwaan",
    "Gouden Leeuw",
    "Klok",
    "Roskam",
    "Heerlijkheid",
    "Uitspanning",
    "Wildeman",
    "Hoek",
    "Smidse",
    "Esch",
    "Postkoets",
    "Jachthoorn",
];

/// Names of farmsteads (`Erve …`), used for some farm businesses.
pub const ERVE_NAMES: &[&str] = &[
    "Erve Kottink",
    "Erve Brookhuis",
    "Erve Wanink",
    "Erve Hesselink",
    "Erve Oolman",
    "Erve Smeenk",
    "Erve Tankink",
    "Erve Vrielink",
    "Erve Lankheet",
    "Erve Haarman",
];
