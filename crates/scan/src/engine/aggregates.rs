//! Results per municipality and per 1 km square.

use super::*;

pub(super) fn municipalities(
    input: &AddressColumns,
    municipalities: &[Municipality],
    results: &[Scored],
    recent_incidents: &[&Incident],
) -> Vec<MunicipalityResult> {
    let mut order: Vec<usize> = (0..municipalities.len()).collect();
    order.sort_by(|&a, &b| municipalities[a].statcode.cmp(&municipalities[b].statcode));
    // Incidents: the first municipality in statcode order that covers the
    // point (a bounding box test first).
    let areas: Vec<Area> = order
        .iter()
        .map(|&m| Area::new(&municipalities[m]))
        .collect();
    let owners: Vec<Option<usize>> = recent_incidents
        .par_iter()
        .with_min_len(64)
        .map(|inc| areas.iter().position(|a| a.covers(inc.x, inc.y)))
        .collect();
    let mut incident_counts = vec![0u64; order.len()];
    for k in owners.into_iter().flatten() {
        incident_counts[k] += 1;
    }
    // Address aggregates per gemeente code; scores summed in input order.
    let mut slot: FxMap<&str, usize> = FxMap::default();
    for &m in &order {
        let n = slot.len();
        slot.entry(municipalities[m].statcode.as_str()).or_insert(n);
    }
    let of_code: Vec<u32> = input
        .gemeenten
        .iter()
        .map(|g| slot.get(g.as_str()).map_or(NONE, |&s| s as u32))
        .collect();
    let mut agg = vec![Agg::default(); slot.len()];
    for (r, &g) in results.iter().zip(&input.gemeente) {
        let s = of_code[g as usize];
        if s != NONE {
            agg[s as usize].add(r);
        }
    }
    order
        .iter()
        .enumerate()
        .map(|(k, &m)| {
            let code = &municipalities[m].statcode;
            let a = slot.get(code.as_str()).map(|&s| agg[s]).unwrap_or_default();
            MunicipalityResult {
                statcode: code.clone(),
                adressen: a.n,
                buitengebied: a.buitengebied,
                hoog: a.hoog,
                midden: a.midden,
                laag: a.laag,
                incidenten_5j: incident_counts[k],
                gemiddelde_score: if a.n == 0 { 0.0 } else { a.sum / a.n as f64 },
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, Default)]
struct Agg {
    n: u64,
    buitengebied: u64,
    hoog: u64,
    midden: u64,
    laag: u64,
    sum: f64,
}

impl Agg {
    fn add(&mut self, r: &Scored) {
        self.n += 1;
        self.buitengebied += u64::from(r.buitengebied());
        match r.klasse {
            Klasse::Hoog => self.hoog += 1,
            Klasse::Midden => self.midden += 1,
            Klasse::Laag => self.laag += 1,
        }
        self.sum += r.score;
    }
}

pub(super) fn squares(input: &AddressColumns, results: &[Scored]) -> Vec<SquareResult> {
    let keys: Vec<(i64, i64)> = input
        .x
        .par_iter()
        .zip(&input.y)
        .with_min_len(1 << 12)
        .map(|(&x, &y)| square_key(x, y))
        .collect();
    let mut slot: FxMap<(i64, i64), usize> = FxMap::default();
    let mut agg: Vec<Agg> = Vec::new();
    // In input order (the sums); consecutive addresses often share a square.
    let mut last: Option<((i64, i64), usize)> = None;
    for (r, k) in results.iter().zip(&keys) {
        let s = match last {
            Some((lk, ls)) if lk == *k => ls,
            _ => {
                let n = agg.len();
                let s = *slot.entry(*k).or_insert(n);
                if s == n {
                    agg.push(Agg::default());
                }
                last = Some((*k, s));
                s
            }
        };
        agg[s].add(r);
    }
    let mut out: Vec<SquareResult> = slot
        .into_iter()
        .map(|(k, s)| {
            let a = agg[s];
            SquareResult {
                vierkant: square_code_of(k),
                adressen: a.n,
                buitengebied: a.buitengebied,
                hoog: a.hoog,
                gemiddelde_score: a.sum / a.n as f64,
            }
        })
        .collect();
    out.par_sort_unstable_by(|a, b| a.vierkant.cmp(&b.vierkant));
    out
}
