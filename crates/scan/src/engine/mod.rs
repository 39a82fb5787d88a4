//! The fast engine.
//!
//! Points (addresses, incidents, signals) go into a `RowIndex`: horizontal
//! rows of height `h`, the points of a row sorted by x, identical positions
//! merged into one entry with a weight. The addresses are also the queries,
//! taken in the index's own order (row by row, x ascending), so that
//!
//! * **radius counts** walk four pointers per target row forward instead of
//!   searching: for a query row Q and a target row T, bounds `dn <= |dy| <= df`
//!   hold for every pair of points; in row T the points with
//!   `dx*dx + df*df <= R*R` are surely inside (counted at once from prefix
//!   sums), those with `dx*dx + dn*dn > R*R` surely outside, and only the thin
//!   band in between is tested point by point. Both boundaries only move right
//!   as the query's x grows, so each pointer moves forward. For the address
//!   counts (queries and points are the same set) each pair of rows is
//!   walked once and both rows get their counts from it.
//! * **nearest other address more than 1.0 m away**: rows are visited in order
//!   of their distance to the query and each row is scanned outward from the
//!   query's x, until no unvisited point can beat the best distance found;
//!   the query's position in nearby rows is carried from one query to the
//!   next (galloping forward) instead of searched anew.
//! * identical positions (flats) are one index entry with a weight, and one
//!   query: their results are shared.
//! * **incidents in municipalities**: the winding-number test of `bz_geo`
//!   (exact `orient2d`; a point on an edge or vertex is covered), but only
//!   over the edges in the point's horizontal band of each ring, after a
//!   bounding-box test; municipalities are tried in statcode order and the
//!   first that covers the point gets it.
//!
//! Exactness: every decision is the spec's own binary64 expression
//! (`dx*dx + dy*dy <= R*R`, `> 1.0`) or a bound on it that holds in binary64:
//! subtraction, multiplication of non-negative numbers and addition are
//! monotone under round-to-nearest, so an expression evaluated on bounds of
//! `|dx|` and `|dy|` that are themselves computed from actual coordinates
//! bounds the expression for every point. The results are identical to the
//! brute-force [`crate::reference`], which the property tests check.
//!
//! Work is spread over the cores with rayon in fixed chunks; results do not
//! depend on the number of threads.
//!
//! Layout: `index` builds the rows, `counts` walks them for the radius
//! counts (with `narrow` deciding most address-count tests in fixed point),
//! `nearest` finds the nearest address, `farms`, `areas` and `aggregates`
//! give the per-address flag and the per-area results; this module runs
//! the phases.

mod aggregates;
mod areas;
mod counts;
mod farms;
mod hash;
mod index;
mod narrow;
mod nearest;

use crate::columns::*;
use crate::model::*;
use aggregates::{municipalities, squares};
use areas::Area;
#[cfg(test)]
pub(crate) use counts::self_counts_of;
use counts::{count_group, self_counts};
use farms::stopped_farms;
pub(crate) use farms::stopped_marks;
pub(crate) use hash::{FxMap, FxSet};
use index::RowIndex;
#[cfg(test)]
pub(crate) use index::both_builds_agree;
#[cfg(test)]
pub(crate) use index::{ord, unord};
use narrow::Narrow;
use rayon::prelude::*;
use std::time::Instant;
use time::Date;

/// Row height of the address index (metres). Per query the cost is about
/// four pointer steps per row within 1 km (fewer with taller rows) plus one
/// branch-free distance test per point in a band of about `8 * R * h` m²
/// (thinner with lower rows); on national-like synthetic data (mean oad
/// ~2000) 125..250 m measured best, 64 m ~20 % slower, 16 m 2.5x slower.
const ADDRESS_ROW: f64 = 160.0;
/// Row height of the incident and signal indexes (sparse points).
const SPARSE_ROW: f64 = 1000.0;
const NONE: u32 = u32::MAX;
/// Rows above and below its own row where the nearest-address search keeps
/// its position between the queries of a row.
const NEAREST_HINT_ROWS: usize = 8;

/// Time spent in the phases of [`scan_timed`], in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Sorting, merging and indexing the points.
    pub index_secs: f64,
    /// Radius counts and nearest-address searches.
    pub neighbours_secs: f64,
    /// Per-address indicators, score and class.
    pub addresses_secs: f64,
    /// Municipality and square aggregates, incidents in polygons.
    pub aggregates_secs: f64,
}

/// The fast engine: the same output as [`crate::reference::scan`].
pub fn scan(input: &ScanInput, peildatum: Date) -> ScanOutput {
    scan_timed(input, peildatum).0
}

/// [`scan`], with the time spent per phase.
pub fn scan_timed(input: &ScanInput, peildatum: Date) -> (ScanOutput, Timings) {
    scan_with(input, peildatum, ADDRESS_ROW, SPARSE_ROW)
}

/// The engine on the compact input of [`crate::io::read_input_columns`]
/// (what [`crate::run_dir`] runs): the same results as [`scan`], per address
/// without the id.
pub fn scan_columns(input: &ColumnInput, peildatum: Date) -> (ColumnOutput, Timings) {
    core(
        &input.addresses,
        &input.businesses,
        &input.incidents,
        &input.signals,
        &input.municipalities,
        peildatum,
        ADDRESS_ROW,
        SPARSE_ROW,
    )
}

/// The engine with given row heights (any positive heights give the same
/// output; the tests vary them to exercise the index).
pub(crate) fn scan_with(
    input: &ScanInput,
    peildatum: Date,
    address_row: f64,
    sparse_row: f64,
) -> (ScanOutput, Timings) {
    let addresses = AddressColumns::of(&input.addresses);
    let businesses = BusinessColumns::of(&input.businesses);
    let (out, t) = core(
        &addresses,
        &businesses,
        &input.incidents,
        &input.signals,
        &input.municipalities,
        peildatum,
        address_row,
        sparse_row,
    );
    (out.into_output(&addresses.ids), t)
}

#[allow(clippy::too_many_arguments)]
fn core(
    input: &AddressColumns,
    businesses: &BusinessColumns,
    incidents: &[Incident],
    signals: &[Signal],
    municipalities: &[Municipality],
    peildatum: Date,
    address_row: f64,
    sparse_row: f64,
) -> (ColumnOutput, Timings) {
    let mut t = Timings::default();
    let clock = Instant::now();
    let (index, of_address) =
        RowIndex::build(input.len(), |i| (input.x[i], input.y[i]), address_row);
    let recent_incidents: Vec<&Incident> = incidents
        .iter()
        .filter(|i| in_last_years(i.datum, peildatum, 5))
        .collect();
    let recent_signals: Vec<&Signal> = signals
        .iter()
        .filter(|s| in_last_years(s.datum, peildatum, 2))
        .collect();
    let (incident_index, _) = RowIndex::build(
        recent_incidents.len(),
        |i| (recent_incidents[i].x, recent_incidents[i].y),
        sparse_row,
    );
    let (signal_index, _) = RowIndex::build(
        recent_signals.len(),
        |i| (recent_signals[i].x, recent_signals[i].y),
        sparse_row,
    );
    t.index_secs = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let per_point = neighbours(&index, &incident_index, &signal_index);
    drop((index, incident_index, signal_index));
    t.neighbours_secs = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let stopped = stopped_marks(&input.ids, &stopped_farms(businesses, peildatum));
    let addresses: Vec<Scored> = of_address
        .par_iter()
        .enumerate()
        .with_min_len(1 << 12)
        .map(|(i, &u)| {
            let (n, incidents, signals, nearest) = if u == NONE {
                // A non-finite position is within nothing, not even itself.
                (0, 0, 0, None)
            } else {
                let p = &per_point[u as usize];
                (
                    p.addresses,
                    p.incidents,
                    p.signals,
                    (p.nearest >= 0.0).then_some(p.nearest),
                )
            };
            let oad = f64::from(n) / std::f64::consts::PI;
            let isolatie_m = nearest.map_or(5000.0, f64::sqrt);
            let ag = !stopped.is_empty() && stopped[i];
            let gb = input.groot_bedrijfspand(i);
            let bg = input.buiten_gebruik(i);
            let s = score(contributions(incidents, signals, isolatie_m, ag, gb, bg));
            Scored {
                isolatie_m,
                score: s,
                addresses: n,
                incidenten_1km_5j: incidents,
                signalen_500m_2j: signals,
                flags: input.flags[i]
                    | if oad < 500.0 { Scored::BUITENGEBIED } else { 0 }
                    | if ag { Scored::AGRARISCH_GESTOPT } else { 0 },
                klasse: Klasse::of(s),
            }
        })
        .collect();
    drop(per_point);
    drop(of_address);
    t.addresses_secs = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let (municipalities, squares) = rayon::join(
        || self::municipalities(input, municipalities, &addresses, &recent_incidents),
        || self::squares(input, &addresses),
    );
    t.aggregates_secs = clock.elapsed().as_secs_f64();
    (
        ColumnOutput {
            addresses,
            municipalities,
            squares,
        },
        t,
    )
}

/// What the neighbour searches found for one distinct address position.
#[derive(Debug, Clone, Copy, Default)]
struct PerPoint {
    /// Addresses within 1000 m (this one and same-position ones included).
    addresses: u32,
    incidents: u32,
    signals: u32,
    /// Squared distance to the nearest address with `d2 > 1.0`; -1 if none.
    nearest: f64,
}

/// All radius counts and nearest searches, per distinct address position, in
/// index order.
fn neighbours(index: &RowIndex, incidents: &RowIndex, signals: &RowIndex) -> Vec<PerPoint> {
    let addresses = self_counts(index, 1000.0);
    let mut out = vec![PerPoint::default(); index.xs.len()];
    // Each row of the address index is one group of queries with ascending x.
    let mut slices: Vec<(usize, &mut [PerPoint])> = Vec::with_capacity(index.keys.len());
    let mut rest: &mut [PerPoint] = &mut out;
    for r in 0..index.keys.len() {
        let len = (index.starts[r + 1] - index.starts[r]) as usize;
        let (mine, tail) = rest.split_at_mut(len);
        slices.push((r, mine));
        rest = tail;
    }
    slices
        .into_par_iter()
        .with_min_len(8)
        .for_each(|(r, slot)| {
            let (lo, hi) = (index.starts[r] as usize, index.starts[r + 1] as usize);
            let (qx, qy) = (&index.xs[lo..hi], &index.ys[lo..hi]);
            let (miny, maxy) = (index.miny[r], index.maxy[r]);
            for (s, &c) in slot.iter_mut().zip(&addresses[lo..hi]) {
                s.addresses = c;
            }
            let mut counts = vec![0u32; hi - lo];
            count_group(incidents, qx, qy, miny, maxy, 1000.0, &mut counts);
            for (s, &c) in slot.iter_mut().zip(&counts) {
                s.incidents = c;
            }
            count_group(signals, qx, qy, miny, maxy, 500.0, &mut counts);
            for (s, &c) in slot.iter_mut().zip(&counts) {
                s.signals = c;
            }
            let mut hints = [usize::MAX; 2 * NEAREST_HINT_ROWS + 1];
            for (i, s) in slot.iter_mut().enumerate() {
                s.nearest = index
                    .nearest_beyond_1m(qx[i], qy[i], r, &mut hints)
                    .unwrap_or(-1.0);
            }
        });
    out
}
