//! Disclosure control for everything shown outside the analyst role
//! (survey.md §C2).
//!
//! * Counts 1–4 (below [`DisclosureConfig::min_count`]) are suppressed
//!   (primary suppression), shown as `x`.
//! * Secondary suppression: more cells (the smallest positive ones sharing a
//!   row or column with a revealed cell, totals as a last resort) are hidden
//!   until no suppressed value follows from the shown cells and totals. A
//!   suppressed value is *derivable* when it is fixed by the linear system of
//!   row, column and grand totals; [`derivable`] checks exactly that with
//!   Gaussian elimination. Every suppressed cell is positive, so
//!   non-negativity adds no further information: a suppressed cell that is
//!   not fixed by the equations can move in both directions.
//! * Percentages only on a base of at least [`DisclosureConfig::min_base`]
//!   (default 30), marked indicative below
//!   [`DisclosureConfig::indicative_below`] (default 100).
//! * Sub-areas only with at least [`DisclosureConfig::min_area_responses`]
//!   responses.
//! * Open text answers never appear in published output (see the report).

use serde::{Deserialize, Serialize};

/// The thresholds, configurable per survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureConfig {
    /// Counts `1..min_count` are suppressed (default 5: counts 1–4).
    pub min_count: u64,
    /// Percentages need a base of at least this (default 30).
    pub min_base: u64,
    /// Percentages on a base below this are marked indicative (default 100).
    pub indicative_below: u64,
    /// Sub-areas are shown only with at least this many responses (100).
    pub min_area_responses: u64,
}

impl Default for DisclosureConfig {
    fn default() -> Self {
        DisclosureConfig {
            min_count: 5,
            min_base: 30,
            indicative_below: 100,
            min_area_responses: 100,
        }
    }
}

impl DisclosureConfig {
    /// Whether a count on its own is sensitive (1 ≤ count < min_count).
    pub fn is_small(&self, count: u64) -> bool {
        count > 0 && count < self.min_count
    }
}

/// A count as published: the value, or suppressed (`x`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Shown {
    Value(u64),
    #[serde(serialize_with = "ser_x")]
    Suppressed,
}

fn ser_x<S: serde::Serializer>(s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("x")
}

impl Shown {
    /// The value, if shown.
    pub fn value(self) -> Option<u64> {
        match self {
            Shown::Value(v) => Some(v),
            Shown::Suppressed => None,
        }
    }
    /// As printed: the number, `–` for zero, `x` for suppressed.
    pub fn display(self) -> String {
        match self {
            Shown::Value(0) => "–".into(),
            Shown::Value(v) => v.to_string(),
            Shown::Suppressed => "x".into(),
        }
    }
}

/// Which cells of a table with margins are suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Protection {
    pub cells: Vec<Vec<bool>>,
    /// Empty when the table has one column (a row total equals its cell).
    pub row_totals: Vec<bool>,
    pub col_totals: Vec<bool>,
    /// Only for tables with more than one column.
    pub total: bool,
    /// Number of primary and secondary suppressions.
    pub primary: usize,
    pub secondary: usize,
}

/// The linear structure of a table with margins: variables and equations.
struct Layout {
    rows: usize,
    cols: usize,
    has_row_totals: bool,
    has_total: bool,
}

impl Layout {
    fn new(rows: usize, cols: usize) -> Layout {
        Layout {
            rows,
            cols,
            has_row_totals: cols > 1,
            has_total: cols > 1,
        }
    }
    fn cell(&self, r: usize, c: usize) -> usize {
        r * self.cols + c
    }
    fn row_total(&self, r: usize) -> usize {
        self.rows * self.cols + r
    }
    fn col_total(&self, c: usize) -> usize {
        self.rows * self.cols + if self.has_row_totals { self.rows } else { 0 } + c
    }
    fn total(&self) -> usize {
        self.col_total(self.cols)
    }
    fn vars(&self) -> usize {
        self.rows * self.cols
            + if self.has_row_totals { self.rows } else { 0 }
            + self.cols
            + usize::from(self.has_total)
    }
    /// Each equation as the variables summing to zero, with signs.
    fn equations(&self) -> Vec<Vec<(usize, f64)>> {
        let mut eqs = Vec::new();
        if self.has_row_totals {
            for r in 0..self.rows {
                let mut e: Vec<_> = (0..self.cols).map(|c| (self.cell(r, c), 1.0)).collect();
                e.push((self.row_total(r), -1.0));
                eqs.push(e);
            }
        }
        for c in 0..self.cols {
            let mut e: Vec<_> = (0..self.rows).map(|r| (self.cell(r, c), 1.0)).collect();
            e.push((self.col_total(c), -1.0));
            eqs.push(e);
        }
        if self.has_total {
            let mut e: Vec<_> = (0..self.cols).map(|c| (self.col_total(c), 1.0)).collect();
            e.push((self.total(), -1.0));
            eqs.push(e);
            let mut e: Vec<_> = (0..self.rows).map(|r| (self.row_total(r), 1.0)).collect();
            e.push((self.total(), -1.0));
            eqs.push(e);
        }
        eqs
    }
    fn values(&self, cells: &[Vec<u64>]) -> Vec<u64> {
        let mut v = vec![0u64; self.vars()];
        for r in 0..self.rows {
            for c in 0..self.cols {
                let x = cells[r][c];
                v[self.cell(r, c)] = x;
                if self.has_row_totals {
                    v[self.row_total(r)] += x;
                }
                v[self.col_total(c)] += x;
                if self.has_total {
                    v[self.total()] += x;
                }
            }
        }
        v
    }
}

/// For each suppressed variable, whether the equations fix its value.
fn determined(eqs: &[Vec<(usize, f64)>], suppressed: &[bool]) -> Vec<bool> {
    let unknowns: Vec<usize> = (0..suppressed.len()).filter(|&i| suppressed[i]).collect();
    let col_of = |v: usize| unknowns.iter().position(|&u| u == v);
    let n = unknowns.len();
    let mut m: Vec<Vec<f64>> = eqs
        .iter()
        .map(|e| {
            let mut row = vec![0.0; n];
            for &(v, coef) in e {
                if let Some(c) = col_of(v) {
                    row[c] += coef;
                }
            }
            row
        })
        .filter(|r| r.iter().any(|x| *x != 0.0))
        .collect();
    // Reduced row echelon form.
    let eps = 1e-9;
    let mut pivots: Vec<usize> = Vec::new();
    let mut r = 0;
    for c in 0..n {
        let Some(p) = (r..m.len()).find(|&i| m[i][c].abs() > eps) else {
            continue;
        };
        m.swap(r, p);
        let pv = m[r][c];
        for x in m[r].iter_mut() {
            *x /= pv;
        }
        for i in 0..m.len() {
            if i != r && m[i][c].abs() > eps {
                let f = m[i][c];
                let pivot_row = m[r].clone();
                for (x, y) in m[i].iter_mut().zip(pivot_row) {
                    *x -= f * y;
                }
            }
        }
        pivots.push(c);
        r += 1;
        if r == m.len() {
            break;
        }
    }
    let mut out = vec![false; suppressed.len()];
    for (row, &pc) in pivots.iter().enumerate() {
        let free_nonzero = (0..n).any(|c| c != pc && !pivots.contains(&c) && m[row][c].abs() > eps);
        if !free_nonzero {
            out[unknowns[pc]] = true;
        }
    }
    out
}

/// Whether any suppressed cell of `cells` under `protection` can be derived
/// exactly from the shown cells and totals.
pub fn derivable(cells: &[Vec<u64>], protection: &Protection) -> bool {
    let rows = cells.len();
    let cols = cells.first().map_or(0, Vec::len);
    let layout = Layout::new(rows, cols);
    let sup = flags(&layout, protection);
    determined(&layout.equations(), &sup).iter().any(|&d| d)
}

fn flags(layout: &Layout, p: &Protection) -> Vec<bool> {
    let mut sup = vec![false; layout.vars()];
    for r in 0..layout.rows {
        for c in 0..layout.cols {
            sup[layout.cell(r, c)] = p.cells[r][c];
        }
        if layout.has_row_totals {
            sup[layout.row_total(r)] = p.row_totals[r];
        }
    }
    for c in 0..layout.cols {
        sup[layout.col_total(c)] = p.col_totals[c];
    }
    if layout.has_total {
        sup[layout.total()] = p.total;
    }
    sup
}

/// Suppresses the cells for which `sensitive` holds (applied to interior
/// cells and totals alike) and adds secondary suppressions until nothing
/// suppressed is derivable. `cells` is rows × columns; margins are computed.
pub fn protect_with(cells: &[Vec<u64>], sensitive: impl Fn(u64) -> bool) -> Protection {
    protect_cells(cells, sensitive, |_, _| false)
}

/// Like [`protect_with`], with `extra(row, col)` marking further interior
/// cells for primary suppression.
fn protect_cells(
    cells: &[Vec<u64>],
    sensitive: impl Fn(u64) -> bool,
    extra: impl Fn(usize, usize) -> bool,
) -> Protection {
    let rows = cells.len();
    let cols = cells.first().map_or(0, Vec::len);
    let layout = Layout::new(rows, cols);
    let values = layout.values(cells);
    let eqs = layout.equations();
    let mut sup: Vec<bool> = values.iter().map(|&v| sensitive(v)).collect();
    for r in 0..rows {
        for c in 0..cols {
            if values[layout.cell(r, c)] > 0 && extra(r, c) {
                sup[layout.cell(r, c)] = true;
            }
        }
    }
    let primary = sup.iter().filter(|&&s| s).count();
    let mut secondary = 0;
    // Totals are the last choice as hiders: they carry the most information.
    let is_interior = |v: usize| v < rows * cols;
    loop {
        let det = determined(&eqs, &sup);
        let Some(target) = (0..sup.len()).find(|&v| sup[v] && det[v]) else {
            break;
        };
        let related: Vec<usize> = eqs
            .iter()
            .filter(|e| e.iter().any(|&(v, _)| v == target))
            .flat_map(|e| e.iter().map(|&(v, _)| v))
            .collect();
        let pick = |pool: &mut dyn Iterator<Item = usize>| {
            pool.filter(|&v| !sup[v] && values[v] > 0)
                .min_by_key(|&v| (!is_interior(v), values[v], v))
        };
        let choice = pick(&mut related.iter().copied()).or_else(|| pick(&mut (0..sup.len())));
        match choice {
            Some(v) => {
                sup[v] = true;
                secondary += 1;
            }
            // Every positive value is already hidden.
            None => break,
        }
    }
    let cells_sup = (0..rows)
        .map(|r| (0..cols).map(|c| sup[layout.cell(r, c)]).collect())
        .collect();
    Protection {
        cells: cells_sup,
        row_totals: if layout.has_row_totals {
            (0..rows).map(|r| sup[layout.row_total(r)]).collect()
        } else {
            Vec::new()
        },
        col_totals: (0..cols).map(|c| sup[layout.col_total(c)]).collect(),
        total: layout.has_total && sup[layout.total()],
        primary,
        secondary,
    }
}

/// [`protect_with`] using the count threshold of `config`, plus the group
/// attribute rule (§C2 rule 4): in a row or column with fewer than
/// `config.min_base` respondents, a cell holding the whole row or column
/// (100 %, all others zero) is suppressed too.
pub fn protect(cells: &[Vec<u64>], config: &DisclosureConfig) -> Protection {
    let row_sum = |r: usize| cells[r].iter().sum::<u64>();
    let col_sum = |c: usize| cells.iter().map(|row| row[c]).sum::<u64>();
    let cols = cells.first().map_or(0, Vec::len);
    protect_cells(
        cells,
        |v| config.is_small(v),
        |r, c| {
            let v = cells[r][c];
            let whole_row = cols > 1 && v == row_sum(r) && v < config.min_base;
            let whole_col = cells.len() > 1 && v == col_sum(c) && v < config.min_base;
            whole_row || whole_col
        },
    )
}

/// A table as published: values or `x`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownTable {
    pub cells: Vec<Vec<Shown>>,
    pub row_totals: Vec<Shown>,
    pub col_totals: Vec<Shown>,
    pub total: Option<Shown>,
}

/// Applies a protection (or none, for analysts) to a table.
pub fn shown_table(cells: &[Vec<u64>], protection: Option<&Protection>) -> ShownTable {
    let rows = cells.len();
    let cols = cells.first().map_or(0, Vec::len);
    let layout = Layout::new(rows, cols);
    let values = layout.values(cells);
    let show = |v: usize, hidden: bool| {
        if hidden {
            Shown::Suppressed
        } else {
            Shown::Value(values[v])
        }
    };
    let p = protection;
    ShownTable {
        cells: (0..rows)
            .map(|r| {
                (0..cols)
                    .map(|c| show(layout.cell(r, c), p.is_some_and(|p| p.cells[r][c])))
                    .collect()
            })
            .collect(),
        row_totals: if layout.has_row_totals {
            (0..rows)
                .map(|r| show(layout.row_total(r), p.is_some_and(|p| p.row_totals[r])))
                .collect()
        } else {
            Vec::new()
        },
        col_totals: (0..cols)
            .map(|c| show(layout.col_total(c), p.is_some_and(|p| p.col_totals[c])))
            .collect(),
        total: layout
            .has_total
            .then(|| show(layout.total(), p.is_some_and(|p| p.total))),
    }
}

/// Whether a percentage may be shown on this base, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseRule {
    /// Base too small: percentages are `x`.
    TooSmall,
    /// Shown, marked "indicatief".
    Indicative,
    Ok,
}

impl DisclosureConfig {
    /// The rule for a percentage base.
    pub fn base_rule(&self, base: u64) -> BaseRule {
        if base < self.min_base {
            BaseRule::TooSmall
        } else if base < self.indicative_below {
            BaseRule::Indicative
        } else {
            BaseRule::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cfg() -> DisclosureConfig {
        DisclosureConfig::default()
    }

    #[test]
    fn one_small_cell_gets_a_partner() {
        // One column: counts and their total.
        let cells = vec![vec![120], vec![3], vec![40], vec![0]];
        let p = protect(&cells, &cfg());
        assert_eq!(p.primary, 1);
        assert_eq!(p.secondary, 1);
        assert!(p.cells[1][0] && p.cells[2][0]);
        assert!(!p.cells[3][0], "zeros are shown");
        assert!(!derivable(&cells, &p));
        let t = shown_table(&cells, Some(&p));
        assert_eq!(t.cells[1][0].display(), "x");
        assert_eq!(t.cells[3][0].display(), "–");
        assert_eq!(t.col_totals[0], Shown::Value(163));
    }

    #[test]
    fn two_way_table() {
        let cells = vec![vec![20, 2, 30], vec![15, 25, 40], vec![50, 60, 70]];
        let p = protect(&cells, &cfg());
        assert!(p.cells[0][1]);
        assert!(p.secondary >= 3, "{p:?}");
        assert!(!derivable(&cells, &p));
        // A naive suppression of the single cell is derivable.
        let mut naive = p.clone();
        for r in 0..3 {
            for c in 0..3 {
                naive.cells[r][c] = r == 0 && c == 1;
            }
        }
        naive.row_totals = vec![false; 3];
        naive.col_totals = vec![false; 3];
        naive.total = false;
        assert!(derivable(&cells, &naive));
    }

    #[test]
    fn small_totals_are_protected_too() {
        let cells = vec![vec![2, 0], vec![30, 40]];
        let p = protect(&cells, &cfg());
        assert!(p.cells[0][0] && p.row_totals[0]);
        assert!(!derivable(&cells, &p));
    }

    #[test]
    fn group_attribute_disclosure_is_prevented() {
        // Everyone in the second row (12 people) gave the same answer.
        let cells = vec![vec![40, 35, 50], vec![12, 0, 0], vec![30, 44, 60]];
        let p = protect(&cells, &cfg());
        assert!(p.cells[1][0]);
        assert!(!derivable(&cells, &p));
        // A one-way table where all 8 respondents chose the same answer.
        let p = protect(&[vec![8], vec![0], vec![0]], &cfg());
        assert!(p.cells[0][0] && p.col_totals[0]);
        // Large groups are fine.
        let p = protect(&[vec![80], vec![0]], &cfg());
        assert!(!p.cells[0][0]);
    }

    #[test]
    fn base_rules() {
        let c = cfg();
        assert_eq!(c.base_rule(29), BaseRule::TooSmall);
        assert_eq!(c.base_rule(30), BaseRule::Indicative);
        assert_eq!(c.base_rule(100), BaseRule::Ok);
        assert_eq!(
            serde_json::to_string(&Shown::Suppressed).unwrap_or_default(),
            "\"x\""
        );
        assert_eq!(
            serde_json::to_string(&Shown::Value(7)).unwrap_or_default(),
            "7"
        );
    }

    /// Independent attacker: finds another non-negative integer table that
    /// agrees with everything shown but differs in the given suppressed
    /// interior cell or margin. Brute force over the suppressed interior
    /// cells (small tables only).
    fn has_alternative(cells: &[Vec<u64>], p: &Protection, target: (usize, usize)) -> bool {
        let rows = cells.len();
        let cols = cells[0].len();
        let unknown: Vec<(usize, usize)> = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .filter(|&(r, c)| p.cells[r][c])
            .collect();
        let row_sum = |t: &Vec<Vec<u64>>, r: usize| t[r].iter().sum::<u64>();
        let col_sum = |t: &Vec<Vec<u64>>, c: usize| t.iter().map(|row| row[c]).sum::<u64>();
        let grand: u64 = cells.iter().flatten().sum();
        // Alternatives differ by small steps from the truth, if they exist.
        let max = cells.iter().flatten().copied().max().unwrap_or(0) + 2;
        let mut t: Vec<Vec<u64>> = cells.to_vec();
        fn rec(
            i: usize,
            unknown: &[(usize, usize)],
            t: &mut Vec<Vec<u64>>,
            max: u64,
            ok: &dyn Fn(&Vec<Vec<u64>>) -> bool,
        ) -> bool {
            if i == unknown.len() {
                return ok(t);
            }
            let (r, c) = unknown[i];
            for v in 0..=max {
                t[r][c] = v;
                if rec(i + 1, unknown, t, max, ok) {
                    return true;
                }
            }
            false
        }
        let ok = |t: &Vec<Vec<u64>>| {
            let orig = cells.to_vec();
            let differs = t[target.0][target.1] != cells[target.0][target.1];
            let rows_ok = cols == 1
                || (0..rows).all(|r| p.row_totals[r] || row_sum(t, r) == row_sum(&orig, r));
            let cols_ok = (0..cols).all(|c| p.col_totals[c] || col_sum(t, c) == col_sum(&orig, c));
            let total_ok = cols == 1 || p.total || t.iter().flatten().sum::<u64>() == grand;
            differs && rows_ok && cols_ok && total_ok
        };
        rec(0, &unknown, &mut t, max, &ok)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn no_suppressed_value_is_derivable(
            rows in 1usize..6, cols in 1usize..6,
            seed in prop::collection::vec(prop::sample::select(vec![0u64, 1, 2, 3, 4, 5, 7, 12, 30, 90]), 25)
        ) {
            let cells: Vec<Vec<u64>> = (0..rows).map(|r| (0..cols).map(|c| seed[r * 5 + c]).collect()).collect();
            let p = protect(&cells, &cfg());
            prop_assert!(!derivable(&cells, &p));
            let t = shown_table(&cells, Some(&p));
            // every primary-sensitive value is hidden, every hidden value is positive
            for (row, shown) in cells.iter().zip(&t.cells) {
                for (&v, &s) in row.iter().zip(shown) {
                    if cfg().is_small(v) { prop_assert_eq!(s, Shown::Suppressed); }
                    if s == Shown::Suppressed { prop_assert!(v > 0); }
                }
            }
            for s in t.col_totals.iter().chain(t.row_totals.iter()).chain(t.total.iter()) {
                if let Shown::Value(v) = s { prop_assert!(!cfg().is_small(*v)); }
            }
        }

        #[test]
        fn brute_force_attacker_finds_nothing(
            rows in 1usize..3, cols in 1usize..4,
            seed in prop::collection::vec(prop::sample::select(vec![0u64, 1, 2, 3, 5, 6]), 9)
        ) {
            let cells: Vec<Vec<u64>> = (0..rows).map(|r| (0..cols).map(|c| seed[r * 3 + c]).collect()).collect();
            let p = protect(&cells, &cfg());
            let hidden: usize = p.cells.iter().flatten().filter(|&&h| h).count();
            prop_assume!(hidden <= 5);
            for r in 0..rows {
                for c in 0..cols {
                    if p.cells[r][c] {
                        prop_assert!(has_alternative(&cells, &p, (r, c)), "cell {r},{c} of {cells:?} under {p:?}");
                    }
                }
            }
        }
    }
}
