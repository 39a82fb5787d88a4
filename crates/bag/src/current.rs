//! Reducing the full history of an extract to the version current on a date.
//!
//! # The rule
//!
//! The extract holds every version (`voorkomen`) of every object. For a
//! reference date `D`, a version is a **candidate** when
//!
//! 1. `beginGeldigheid <= D`, and
//! 2. it has no `eindGeldigheid`, or `eindGeldigheid > D` (the end date is
//!    exclusive: a version ending on `D` is no longer valid on `D`), and
//! 3. it is not inactive (no `tijdstipInactief`), and
//! 4. it is not "niet BAG" (no `BeschikbaarLV/tijdstipNietBagLV`).
//!
//! `eindRegistratie` is *not* used: in BAG 2.0 it is set together with
//! `eindGeldigheid` when a later version is registered, so rule 2 already
//! covers it, and a version with an end of registration stays the valid one
//! for dates before its `eindGeldigheid`.
//!
//! Per identificatie the candidate with the latest `beginGeldigheid` wins;
//! ties go to the highest `voorkomenidentificatie`, then to the latest
//! `tijdstipRegistratie` (in a consistent extract there is at most one
//! candidate). Objects without a candidate are absent from the result (not
//! yet valid, ended, or only inactive versions).
//!
//! To get "the current state of the extract" use its
//! `StandTechnischeDatum` (see [`crate::SourceStats`]) as `D`.
//!
//! The status is not part of the rule: an object whose current version says
//! `Pand gesloopt` or `Verblijfsobject ingetrokken` is current with that
//! status; filter on status where that matters.

use crate::geom::MultiPolygon;
use crate::model::*;
use crate::xml::BagObjectRef;
use std::collections::HashMap;

/// A record with versions.
pub trait Versioned: Clone {
    fn id(&self) -> BagId;
    fn voorkomen(&self) -> &Voorkomen;
}

macro_rules! versioned {
    ($($t:ty),*) => {$(
        impl Versioned for $t {
            fn id(&self) -> BagId { self.identificatie }
            fn voorkomen(&self) -> &Voorkomen { &self.voorkomen }
        }
    )*};
}
versioned!(
    Verblijfsobject,
    Pand,
    Nummeraanduiding,
    OpenbareRuimte,
    Woonplaats,
    Plaats
);

fn better(new: &Voorkomen, old: &Voorkomen) -> bool {
    (
        new.begin_geldigheid,
        new.voorkomenidentificatie,
        new.tijdstip_registratie,
    ) > (
        old.begin_geldigheid,
        old.voorkomenidentificatie,
        old.tijdstip_registratie,
    )
}

/// Keeps, per identificatie, the version current on a date (see the module
/// documentation for the rule). Memory: one record per object.
#[derive(Clone, Debug)]
pub struct CurrentReducer<T: Versioned> {
    date: Date,
    map: HashMap<BagId, T>,
    offered: u64,
}

impl<T: Versioned> CurrentReducer<T> {
    pub fn new(date: Date) -> Self {
        CurrentReducer {
            date,
            map: HashMap::new(),
            offered: 0,
        }
    }

    pub fn date(&self) -> Date {
        self.date
    }

    /// Offers one version; it is cloned only when it becomes the current one.
    pub fn offer(&mut self, o: &T) -> bool {
        self.offer_with(o, T::clone)
    }

    /// Like [`offer`](Self::offer), storing `keep(o)` (e.g. a copy without
    /// geometry) instead of a full clone.
    pub fn offer_with(&mut self, o: &T, keep: impl FnOnce(&T) -> T) -> bool {
        self.offered += 1;
        let v = o.voorkomen();
        if !v.is_current_on(self.date) {
            return false;
        }
        match self.map.get_mut(&o.id()) {
            Some(old) if !better(v, old.voorkomen()) => false,
            Some(old) => {
                *old = keep(o);
                true
            }
            None => {
                self.map.insert(o.id(), keep(o));
                true
            }
        }
    }

    /// Versions offered so far.
    pub fn offered(&self) -> u64 {
        self.offered
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn get(&self, id: &BagId) -> Option<&T> {
        self.map.get(id)
    }

    pub fn map(&self) -> &HashMap<BagId, T> {
        &self.map
    }

    pub fn into_map(self) -> HashMap<BagId, T> {
        self.map
    }

    /// The current records sorted by identificatie.
    pub fn into_sorted(self) -> Vec<T> {
        let mut v: Vec<T> = self.map.into_values().collect();
        v.sort_by_key(|o| o.id());
        v
    }
}

/// The current state of all object types, built by offering every record
/// of an extract (see [`Snapshot::offer`]).
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub verblijfsobjecten: CurrentReducer<Verblijfsobject>,
    pub panden: CurrentReducer<Pand>,
    pub nummeraanduidingen: CurrentReducer<Nummeraanduiding>,
    pub openbare_ruimten: CurrentReducer<OpenbareRuimte>,
    pub woonplaatsen: CurrentReducer<Woonplaats>,
    pub plaatsen: CurrentReducer<Plaats>,
    /// Gemeente–woonplaats relations valid on the date (latest begin wins
    /// per woonplaats).
    pub gemeente_van_woonplaats: HashMap<BagId, GemeenteWoonplaats>,
    keep_geometry: bool,
}

impl Snapshot {
    pub fn new(date: Date) -> Snapshot {
        Snapshot {
            verblijfsobjecten: CurrentReducer::new(date),
            panden: CurrentReducer::new(date),
            nummeraanduidingen: CurrentReducer::new(date),
            openbare_ruimten: CurrentReducer::new(date),
            woonplaatsen: CurrentReducer::new(date),
            plaatsen: CurrentReducer::new(date),
            gemeente_van_woonplaats: HashMap::new(),
            keep_geometry: true,
        }
    }

    /// Do not keep pand, woonplaats and plaats polygons nor vbo polygons
    /// (vbo points are kept). For the national extract this saves gigabytes
    /// when only addresses are wanted.
    pub fn without_geometry(mut self) -> Snapshot {
        self.keep_geometry = false;
        self
    }

    pub fn date(&self) -> Date {
        self.verblijfsobjecten.date()
    }

    pub fn offer(&mut self, o: BagObjectRef<'_>) {
        let keep = self.keep_geometry;
        match o {
            BagObjectRef::Verblijfsobject(v) => {
                self.verblijfsobjecten.offer_with(v, |v| {
                    if keep || v.vlak.is_none() {
                        v.clone()
                    } else {
                        Verblijfsobject {
                            vlak: None,
                            ..v.clone()
                        }
                    }
                });
            }
            BagObjectRef::Pand(p) => {
                self.panden.offer_with(p, |p| {
                    strip(p, keep, |p| &p.geometrie, |p, g| p.geometrie = g)
                });
            }
            BagObjectRef::Nummeraanduiding(n) => {
                self.nummeraanduidingen.offer(n);
            }
            BagObjectRef::OpenbareRuimte(r) => {
                self.openbare_ruimten.offer(r);
            }
            BagObjectRef::Woonplaats(w) => {
                self.woonplaatsen.offer_with(w, |w| {
                    strip(w, keep, |w| &w.geometrie, |w, g| w.geometrie = g)
                });
            }
            BagObjectRef::Plaats(p) => {
                self.plaatsen.offer_with(p, |p| {
                    strip(p, keep, |p| &p.geometrie, |p, g| p.geometrie = g)
                });
            }
            BagObjectRef::GemeenteWoonplaats(g) => {
                if g.is_current_on(self.date()) {
                    let e = self.gemeente_van_woonplaats.entry(g.woonplaats);
                    e.and_modify(|old| {
                        if (g.begin, g.status) > (old.begin, old.status) {
                            *old = g.clone();
                        }
                    })
                    .or_insert_with(|| g.clone());
                }
            }
        }
    }
}

/// Clones `o`, without its geometry unless `keep`.
fn strip<T: Clone>(
    o: &T,
    keep: bool,
    get: impl Fn(&T) -> &MultiPolygon,
    set: impl Fn(&mut T, MultiPolygon),
) -> T {
    if keep || get(o).is_empty() {
        return o.clone();
    }
    // Clone without copying the coordinates first.
    let mut c = o.clone();
    set(&mut c, MultiPolygon::new());
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pand(id: &str, nr: u32, begin: &str, eind: Option<&str>) -> Pand {
        Pand {
            identificatie: id.parse().unwrap(),
            voorkomen: Voorkomen {
                voorkomenidentificatie: nr,
                begin_geldigheid: begin.parse().unwrap(),
                eind_geldigheid: eind.map(|e| e.parse().unwrap()),
                ..Voorkomen::default()
            },
            ..Pand::default()
        }
    }

    #[test]
    fn keeps_the_version_valid_on_the_date() {
        let id = "0221100000312938";
        let versions = [
            pand(id, 1, "1995-01-18", Some("2011-06-30")),
            pand(id, 2, "2011-06-30", Some("2019-01-15")),
            pand(id, 3, "2019-01-15", None),
        ];
        for (date, want) in [
            ("2000-01-01", 1),
            ("2011-06-30", 2),
            ("2019-01-14", 2),
            ("2020-09-15", 3),
        ] {
            let mut r = CurrentReducer::new(date.parse().unwrap());
            // Order of offering does not matter.
            for v in versions.iter().rev() {
                r.offer(v);
            }
            let id = id.parse().unwrap();
            assert_eq!(
                r.get(&id).unwrap().voorkomen.voorkomenidentificatie,
                want,
                "{date}"
            );
        }
        let mut r = CurrentReducer::new("1990-01-01".parse().unwrap());
        for v in &versions {
            r.offer(v);
        }
        assert!(r.is_empty(), "nothing valid before the first version");
    }

    #[test]
    fn inactive_and_niet_bag_versions_are_never_current() {
        let mut p = pand("0221100000312938", 1, "2000-01-01", None);
        p.voorkomen.tijdstip_inactief = Timestamp::parse(b"2020-01-01T00:00:00");
        let mut r = CurrentReducer::new("2020-09-15".parse().unwrap());
        assert!(!r.offer(&p));
        p.voorkomen.tijdstip_inactief = None;
        p.voorkomen.tijdstip_niet_bag = Timestamp::parse(b"2020-01-01T00:00:00");
        assert!(!r.offer(&p));
        p.voorkomen.tijdstip_niet_bag = None;
        assert!(r.offer(&p));
    }
}
