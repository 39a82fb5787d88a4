//! The map's tile sets, built from the database on first use and kept while
//! the data does not change. One tile set per (areas, scan runs); the data
//! stamp is checked at most every few seconds, and a new stamp (an import, a
//! new scan run) drops every cached set, so the ETags of tiles change too.

use crate::scanrun::polygons_of;
use bz_geo::{MultiPolygon, Polygon, RdPoint};
use bz_store::Store;
use bz_tiles::{AddressIn, EventIn, Klasse, MunicipalityIn, ScanIn, TileInput, TileSet};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a checked data stamp is trusted.
const STAMP_TTL: Duration = Duration::from_secs(3);
/// Tile sets kept at once (one per distinct areas + runs combination).
const MAX_SETS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SetKey {
    pub areas: Vec<String>,
    pub runs: Vec<String>,
}

#[derive(Default)]
struct State {
    stamp: Option<(Instant, String)>,
    sets: HashMap<SetKey, (Instant, Arc<TileSet>)>,
}

#[derive(Default)]
pub struct TileCache {
    state: Mutex<State>,
    /// Serialises builds so that concurrent first requests build once.
    building: tokio::sync::Mutex<()>,
}

impl TileCache {
    /// The current data stamp (cached for a few seconds).
    pub async fn stamp(&self, store: &Store) -> Result<String, bz_store::StoreError> {
        if let Ok(s) = self.state.lock()
            && let Some((at, stamp)) = &s.stamp
            && at.elapsed() < STAMP_TTL
        {
            return Ok(stamp.clone());
        }
        let fresh = store.map_stamp().await?;
        if let Ok(mut s) = self.state.lock() {
            if s.stamp.as_ref().is_some_and(|(_, old)| *old != fresh) {
                s.sets.clear();
            }
            s.stamp = Some((Instant::now(), fresh.clone()));
        }
        Ok(fresh)
    }

    /// Forget the stamp and every tile set (after a scan run or an import in
    /// this process); the next request rebuilds, and ETags change.
    pub fn invalidate(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.stamp = None;
            s.sets.clear();
        }
    }

    /// The tile set for `key`, built when missing.
    pub async fn get(&self, store: &Store, key: &SetKey) -> Result<Arc<TileSet>, String> {
        self.stamp(store).await.map_err(|e| e.to_string())?;
        if let Some(set) = self.cached(key) {
            return Ok(set);
        }
        let _guard = self.building.lock().await;
        if let Some(set) = self.cached(key) {
            return Ok(set);
        }
        let source = store
            .map_source(&key.areas, &key.runs)
            .await
            .map_err(|e| e.to_string())?;
        let set = tokio::task::spawn_blocking(move || build(source))
            .await
            .map_err(|e| e.to_string())??;
        let set = Arc::new(set);
        if let Ok(mut s) = self.state.lock() {
            if s.sets.len() >= MAX_SETS
                && let Some(oldest) = s
                    .sets
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(k, _)| k.clone())
            {
                s.sets.remove(&oldest);
            }
            s.sets.insert(key.clone(), (Instant::now(), set.clone()));
        }
        Ok(set)
    }

    fn cached(&self, key: &SetKey) -> Option<Arc<TileSet>> {
        let mut s = self.state.lock().ok()?;
        let entry = s.sets.get_mut(key)?;
        entry.0 = Instant::now();
        Some(entry.1.clone())
    }
}

fn build(source: bz_store::map::MapSource) -> Result<TileSet, String> {
    let mut municipalities = Vec::new();
    for (code, name, geometry) in &source.gemeenten {
        let polys = polygons_of(geometry).map_err(|e| format!("{code}: {e}"))?;
        let polys: Vec<Polygon> = polys
            .into_iter()
            .filter_map(|rings| {
                Polygon::new(
                    rings
                        .into_iter()
                        .map(|r| r.into_iter().map(|p| RdPoint::new(p[0], p[1])).collect())
                        .collect(),
                )
                .ok()
            })
            .collect();
        if let Ok(boundary) = MultiPolygon::new(polys) {
            municipalities.push(MunicipalityIn {
                code: code.clone(),
                name: name.clone(),
                boundary,
            });
        }
    }
    let results: HashMap<&str, &bz_store::map::MapResult> = source
        .results
        .iter()
        .map(|r| (r.address_id.as_str(), r))
        .collect();
    let addresses = source
        .addresses
        .iter()
        .map(|(id, x, y)| AddressIn {
            id: id.clone(),
            rd: RdPoint::new(*x, *y),
            scan: results.get(id.as_str()).and_then(|r| {
                Some(ScanIn {
                    klasse: Klasse::parse(&r.klasse)?,
                    score: r.score,
                    buitengebied: r.buitengebied,
                })
            }),
        })
        .collect();
    let events = |list: &[bz_store::map::MapEvent]| -> Vec<EventIn> {
        list.iter()
            .filter_map(|e| {
                Some(EventIn {
                    id: e.id.clone(),
                    rd: RdPoint::new(e.x, e.y),
                    date: bz_scan::io::parse_date(&e.date)?,
                    kind: e.kind.clone(),
                })
            })
            .collect()
    };
    let signals = events(&source.signals);
    let incidents = source
        .incidents
        .iter()
        .filter_map(|e| {
            Some(EventIn {
                id: e.id.clone(),
                rd: RdPoint::new(e.x, e.y),
                date: bz_scan::io::parse_date(&e.date)?,
                kind: e.kind.clone(),
            })
        })
        .collect();
    Ok(TileSet::build(&TileInput {
        municipalities,
        addresses,
        incidents,
        signals,
    }))
}
