//! Flat address records from the current BAG objects: verblijfsobject ⨝
//! hoofdadres (nummeraanduiding) ⨝ openbare ruimte ⨝ woonplaats (⨝ gemeente)
//! ⨝ panden. Missing references are warnings, not failures.

use crate::current::Snapshot;
use crate::model::*;
use std::fmt;

/// One address: a verblijfsobject (or, optionally, a ligplaats/standplaats)
/// with its main address.
#[derive(Clone, Debug, PartialEq)]
pub struct Adres {
    /// Verblijfsobject (or ligplaats/standplaats) identificatie.
    pub id: BagId,
    /// RD New.
    pub x: f64,
    pub y: f64,
    /// Street (openbare ruimte) name; empty if the reference is missing.
    pub straat: String,
    pub huisnummer: Option<u32>,
    pub huisletter: Option<char>,
    pub toevoeging: Option<String>,
    pub postcode: Option<Postcode>,
    pub woonplaats: String,
    pub woonplaats_id: Option<BagId>,
    /// Four-digit gemeentecode from the gemeente–woonplaats relation.
    pub gemeente: Option<BagId>,
    /// `;`-joined gebruiksdoelen (empty for ligplaatsen/standplaatsen).
    pub gebruiksdoel: String,
    pub oppervlakte: Option<u32>,
    /// `oorspronkelijkBouwjaar` of the first pand in `maaktDeelUitVan`.
    pub bouwjaar: Option<u16>,
    /// Status of the verblijfsobject (or plaats).
    pub status: String,
    pub pand_ids: Vec<BagId>,
    pub nummeraanduiding_id: BagId,
}

impl Adres {
    /// `GM0221`-style CBS code, if the gemeente is known.
    pub fn gemeente_cbs(&self) -> Option<String> {
        self.gemeente.map(|g| format!("GM{g}"))
    }
}

/// A reference that could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinWarning {
    /// The address object (vbo, ligplaats or standplaats) concerned.
    pub object: BagId,
    /// The type of the object that was not found.
    pub missing: ObjectType,
    /// Its identificatie (for a gemeente: the woonplaats that has none).
    pub missing_id: BagId,
}

impl fmt::Display for JoinWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.missing == ObjectType::GemeenteWoonplaats {
            write!(
                f,
                "{}: no gemeente for woonplaats {} on the reference date",
                self.object, self.missing_id
            )
        } else {
            write!(
                f,
                "{}: {} {} not found (not in the extract or not current)",
                self.object, self.missing, self.missing_id
            )
        }
    }
}

impl JoinWarning {
    pub fn message_nl(&self) -> String {
        if self.missing == ObjectType::GemeenteWoonplaats {
            format!(
                "{}: geen gemeente voor woonplaats {} op de peildatum",
                self.object, self.missing_id
            )
        } else {
            format!(
                "{}: {} {} niet gevonden (niet in het extract of niet actueel)",
                self.object, self.missing, self.missing_id
            )
        }
    }
}

/// Options for [`join_addresses`].
#[derive(Clone, Copy, Debug, Default)]
pub struct JoinOptions {
    /// Also produce records for ligplaatsen and standplaatsen (position:
    /// centroid of their polygon; no gebruiksdoel, oppervlakte, bouwjaar).
    pub include_plaatsen: bool,
    /// Warn when no gemeente–woonplaats relation is known (only useful when
    /// the GEM-WPL-RELATIE file was read).
    pub warn_missing_gemeente: bool,
}

struct AddressParts {
    straat: String,
    huisnummer: Option<u32>,
    huisletter: Option<char>,
    toevoeging: Option<String>,
    postcode: Option<Postcode>,
    woonplaats: String,
    woonplaats_id: Option<BagId>,
    gemeente: Option<BagId>,
}

fn resolve_address(
    s: &Snapshot,
    object: BagId,
    num_id: BagId,
    opts: &JoinOptions,
    warnings: &mut Vec<JoinWarning>,
) -> AddressParts {
    let mut warn = |missing, missing_id| {
        warnings.push(JoinWarning {
            object,
            missing,
            missing_id,
        })
    };
    let mut a = AddressParts {
        straat: String::new(),
        huisnummer: None,
        huisletter: None,
        toevoeging: None,
        postcode: None,
        woonplaats: String::new(),
        woonplaats_id: None,
        gemeente: None,
    };
    let Some(num) = s.nummeraanduidingen.get(&num_id) else {
        warn(ObjectType::Nummeraanduiding, num_id);
        return a;
    };
    a.huisnummer = Some(num.huisnummer);
    a.huisletter = num.huisletter;
    a.toevoeging = num.huisnummertoevoeging.clone();
    a.postcode = num.postcode;
    let opr = s.openbare_ruimten.get(&num.openbare_ruimte);
    match opr {
        Some(o) => a.straat = o.naam.clone(),
        None => warn(ObjectType::OpenbareRuimte, num.openbare_ruimte),
    }
    // The nummeraanduiding's own woonplaats (if any) overrides the street's.
    a.woonplaats_id = num.woonplaats.or(opr.map(|o| o.woonplaats));
    if let Some(wid) = a.woonplaats_id {
        match s.woonplaatsen.get(&wid) {
            Some(w) => a.woonplaats = w.naam.clone(),
            None => warn(ObjectType::Woonplaats, wid),
        }
        match s.gemeente_van_woonplaats.get(&wid) {
            Some(g) => a.gemeente = Some(g.gemeente),
            None if opts.warn_missing_gemeente => warn(ObjectType::GemeenteWoonplaats, wid),
            None => {}
        }
    }
    a
}

/// Builds one [`Adres`] per current verblijfsobject (and optionally per
/// ligplaats/standplaats), sorted by id, with warnings for every reference
/// that is missing from the snapshot.
pub fn join_addresses(s: &Snapshot, opts: &JoinOptions) -> (Vec<Adres>, Vec<JoinWarning>) {
    let mut out = Vec::with_capacity(s.verblijfsobjecten.len());
    let mut warnings = Vec::new();
    for (id, v) in s.verblijfsobjecten.map() {
        let a = resolve_address(s, *id, v.hoofdadres, opts, &mut warnings);
        let mut bouwjaar = None;
        if let Some(first) = v.panden.first() {
            match s.panden.get(first) {
                Some(p) => bouwjaar = Some(p.oorspronkelijk_bouwjaar),
                None => warnings.push(JoinWarning {
                    object: *id,
                    missing: ObjectType::Pand,
                    missing_id: *first,
                }),
            }
        }
        out.push(Adres {
            id: *id,
            x: v.punt.x,
            y: v.punt.y,
            straat: a.straat,
            huisnummer: a.huisnummer,
            huisletter: a.huisletter,
            toevoeging: a.toevoeging,
            postcode: a.postcode,
            woonplaats: a.woonplaats,
            woonplaats_id: a.woonplaats_id,
            gemeente: a.gemeente,
            gebruiksdoel: v.gebruiksdoelen.joined(";"),
            oppervlakte: Some(v.oppervlakte),
            bouwjaar,
            status: v.status.as_str().to_string(),
            pand_ids: v.panden.clone(),
            nummeraanduiding_id: v.hoofdadres,
        });
    }
    if opts.include_plaatsen {
        for (id, p) in s.plaatsen.map() {
            let a = resolve_address(s, *id, p.hoofdadres, opts, &mut warnings);
            let c = p.geometrie.centroid().unwrap_or_default();
            out.push(Adres {
                id: *id,
                x: c.x,
                y: c.y,
                straat: a.straat,
                huisnummer: a.huisnummer,
                huisletter: a.huisletter,
                toevoeging: a.toevoeging,
                postcode: a.postcode,
                woonplaats: a.woonplaats,
                woonplaats_id: a.woonplaats_id,
                gemeente: a.gemeente,
                gebruiksdoel: String::new(),
                oppervlakte: None,
                bouwjaar: None,
                status: p.status.as_str().to_string(),
                pand_ids: Vec::new(),
                nummeraanduiding_id: p.hoofdadres,
            });
        }
    }
    out.sort_by_key(|a| a.id);
    warnings.sort_by_key(|w| (w.object, w.missing, w.missing_id));
    (out, warnings)
}
